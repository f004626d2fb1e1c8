import type { Band, Rule, Tariff, VehicleClass } from './tariff.schema.ts';
import { bandWindow } from './tariff-compile.ts';
import {
  bandCapTexts,
  dailyCapTexts,
  rateText,
  rateTextEn,
  span,
  spanEn,
  timesText,
  VEHICLE_NAMES,
  yuan,
  yuanEn,
} from './tariff-words.ts';

export type PublicLocale = 'zh-CN' | 'en';

interface Words {
  readonly zh: boolean;
  readonly sep: string;
}

function bandLine(b: Band, w: Words): string {
  const step = b.roundingMinutes ?? b.unitMinutes;
  const capWords = b.capFen === undefined ? null : bandCapTexts({ ...b, capFen: b.capFen });
  if (w.zh) {
    const cap = capWords ? `，${capWords.zh}` : '';
    return `${b.name}${bandWindow(b)}${rateText(b.unitMinutes, b.priceFen, step)}${cap}`;
  }
  const cap = capWords ? `, ${capWords.en}` : '';
  return `${b.nameEn ?? b.name} ${b.from}–${b.to}: ${rateTextEn(b.unitMinutes, b.priceFen, step)}${cap}`;
}

/**
 * What the engine does at band edges, said once per bands rule (#15.5): an instant on a boundary belongs to the band
 * that starts there, and a stay across bands is timed and rounded in each band on its own.
 */
function bandRulesLine(bands: readonly Band[], w: Words): string | null {
  const second = bands[1];
  if (!second) return null;
  return w.zh
    ? `时段交界时刻计入后一时段（${second.from}整起按${second.name}计）；跨时段停车的，各时段分别计时，不足一个计费单位的按一个单位计`
    : `an instant on a band boundary belongs to the band starting there (from ${second.from} sharp: ${second.nameEn ?? second.name}); a stay across bands is timed in each band separately, each started unit counting in full`;
}

function tierLines(rule: Extract<Rule, { type: 'tiers' }>, w: Words): string[] {
  const out: string[] = [];
  let lo = 0;
  for (const tier of rule.tiers) {
    const hi = tier.upToMinutes;
    // Upper bounds are inclusive (exactly 2 h is in the tier up to 2 h): the text says so (#15.5).
    const zhSpan =
      lo === 0 && hi
        ? `${span(hi)}以内（含${span(hi)}）`
        : hi
          ? `超过${span(lo)}至${span(hi)}（含）`
          : `超过${span(lo)}`;
    const enSpan =
      lo === 0 && hi
        ? `up to ${spanEn(hi)} inclusive`
        : hi
          ? `over ${spanEn(lo)} up to ${spanEn(hi)} inclusive`
          : `over ${spanEn(lo)}`;
    if (rule.mode === 'flat') {
      out.push(
        w.zh
          ? `${zhSpan}${tier.priceFen === 0 ? '免费' : yuan(tier.priceFen)}`
          : `${enSpan}: ${tier.priceFen === 0 ? 'free' : yuanEn(tier.priceFen)}`,
      );
    } else {
      const unit = tier.unitMinutes ?? 60;
      const step = rule.roundingMinutes ?? unit;
      out.push(
        w.zh
          ? `${zhSpan}${rateText(unit, tier.priceFen, step)}`
          : `${enSpan}: ${rateTextEn(unit, tier.priceFen, step)}`,
      );
    }
    lo = hi ?? lo;
  }
  if (rule.repeat) {
    const r = rule.repeat;
    out.push(
      w.zh
        ? `超过${span(r.everyMinutes)}的，每满${span(r.everyMinutes)}${yuan(r.priceFen)}，余下时间按上表计`
        : `beyond ${spanEn(r.everyMinutes)}: ${yuanEn(r.priceFen)} per whole ${spanEn(r.everyMinutes)}, the rest by the table above`,
    );
  }
  return out;
}

function pricingLines(rule: Exclude<Rule, { type: 'exempt' }>, w: Words): string[] {
  const fp = rule.freePeriod;
  if (rule.type === 'interval') {
    const step = rule.roundingMinutes ?? rule.unitMinutes;
    const rate = w.zh
      ? rateText(rule.unitMinutes, rule.priceFen, step)
      : rateTextEn(rule.unitMinutes, rule.priceFen, step);
    const first = rule.first;
    const head = first
      ? w.zh
        ? `首${span(first.minutes)}${yuan(first.priceFen)}，之后`
        : `first ${spanEn(first.minutes)} ${yuanEn(first.priceFen)}, then `
      : '';
    let lead = '';
    if (fp?.mode === 'deduct') lead = w.zh ? `超过${span(fp.minutes)}` : `beyond ${spanEn(fp.minutes)}: `;
    if (fp?.mode === 'grace')
      lead = w.zh ? `超过${span(fp.minutes)}的自入场起计，` : `longer stays are charged from entry: `;
    return [`${lead}${head}${rate}`];
  }
  let lines: string[];
  if (rule.type === 'tiers') lines = tierLines(rule, w);
  else {
    const holidayToo = rule.dayTypes?.holiday === undefined;
    const sets: [string, string, readonly Band[] | undefined][] = [
      ['工作日', 'weekdays', rule.dayTypes?.weekday?.bands],
      [
        holidayToo ? '周末及节假日' : '周末',
        holidayToo ? 'weekends and holidays' : 'weekends',
        rule.dayTypes?.weekend?.bands,
      ],
      ['节假日', 'holidays', rule.dayTypes?.holiday?.bands],
    ];
    const named = sets.filter((s) => s[2] !== undefined);
    const base = rule.bands.map((b) => bandLine(b, w));
    if (named.length === 0) lines = base;
    else {
      lines = [`${w.zh ? '其他日期' : 'other days'}${w.zh ? '：' : ': '}${base.join(w.zh ? '，' : ', ')}`];
      for (const [zh, en, bands] of named) {
        lines.unshift(
          `${w.zh ? zh : en}${w.zh ? '：' : ': '}${(bands ?? []).map((b) => bandLine(b, w)).join(w.zh ? '，' : ', ')}`,
        );
      }
    }
  }
  if (rule.type === 'bands') {
    const edges = bandRulesLine(rule.bands, w);
    if (edges) lines.push(edges);
    // Day types go by the calendar date (#26.2), said wherever a rule prices some dates differently.
    if (rule.dayTypes && rule.bands[0]?.from !== '00:00') {
      lines.push(
        w.zh
          ? '周末、节假日价格按自然日（00:00至24:00）适用；跨两个日期的夜间按各自日期计价，封顶按一晚计'
          : 'weekend and holiday prices apply by calendar date (00:00 to 24:00); a night across two dates is priced by date and capped as one night',
      );
    }
  }
  if (fp?.mode === 'deduct')
    lines[0] = `${w.zh ? `超过${span(fp.minutes)}的部分：` : `time beyond ${spanEn(fp.minutes)}: `}${lines[0]}`;
  if (fp?.mode === 'grace')
    lines[0] = `${w.zh ? `超过${span(fp.minutes)}的自入场起计：` : 'longer stays from entry: '}${lines[0]}`;
  return lines;
}

/**
 * How a stay over 24 h is charged (#26.5), said where it makes a difference (a free period or a cap): as one stay
 * from entry, or afresh every 24 h from entry (重新滚动计费).
 */
function after24hText(rule: Exclude<Rule, { type: 'exempt' }>, w: Words): string | null {
  if (rule.after24h === 'restart') {
    return w.zh
      ? '每满24小时重新计费：自入场起每24小时为一个计费周期，免费时段、封顶和最低收费在每个周期重新计算'
      : 'every 24 h from entry the rule starts afresh: free period, caps and minimum count again in each 24 h';
  }
  const matters =
    rule.freePeriod !== undefined ||
    rule.caps !== undefined ||
    (rule.type === 'bands' && rule.bands.some((b) => b.capFen !== undefined));
  if (!matters) return null;
  return w.zh
    ? '停车超过24小时的连续计费，免费时段只计一次'
    : 'a stay over 24 h is charged on as one stay, the free period only once';
}

function ruleLine(rule: Rule, w: Words): string {
  const label = w.zh ? rule.label : (rule.labelEn ?? rule.label);
  // Generated from what the engine applies: an exempt class pays nothing. Its reason is a remark, printed apart.
  if (rule.type === 'exempt') return `${label}${w.zh ? '：免费' : ': free'}`;
  const parts: string[] = [];
  const fp = rule.freePeriod;
  if (fp) {
    if (w.zh) parts.push(fp.mode === 'deduct' ? `${span(fp.minutes)}内免费` : `${span(fp.minutes)}内离场免费`);
    else
      parts.push(
        fp.mode === 'deduct' ? `first ${spanEn(fp.minutes)} free` : `free when leaving within ${spanEn(fp.minutes)}`,
      );
  }
  parts.push(...pricingLines(rule, w));
  const daily = rule.caps?.daily;
  if (daily) {
    const t = dailyCapTexts(daily.window, daily.resetAt, daily.capsFen);
    parts.push((w.zh ? t.zh : t.en).join(w.zh ? '，' : ', '));
  }
  const stay = rule.caps?.perStayFen;
  if (stay !== undefined) parts.push(w.zh ? `单次停车最高收费${yuan(stay)}` : `at most ${yuanEn(stay)} per stay`);
  const over24 = after24hText(rule, w);
  if (over24) parts.push(over24);
  if (rule.minimumFen)
    parts.push(w.zh ? `最低收费${yuan(rule.minimumFen)}` : `minimum charge ${yuanEn(rule.minimumFen)}`);
  for (const [v, pct] of Object.entries(rule.vehicleFactors ?? {}) as [VehicleClass, number][]) {
    if (pct !== 100)
      parts.push(w.zh ? `${VEHICLE_NAMES[v][0]}按${timesText(pct)}收费` : `${VEHICLE_NAMES[v][1]} pay ${pct}%`);
  }
  const ne = rule.newEnergy;
  if (ne?.freeMinutes)
    parts.push(
      w.zh ? `新能源车首${span(ne.freeMinutes)}免费` : `new-energy vehicles: first ${spanEn(ne.freeMinutes)} free`,
    );
  if (ne?.discountPercent)
    parts.push(w.zh ? `新能源车减收${ne.discountPercent}%` : `new-energy vehicles: ${ne.discountPercent}% off`);
  return `${label}${w.zh ? '：' : ': '}${parts.join(w.sep)}`;
}

/** The published text (公示) of a tariff, rendered from the same document the engine charges by. */
export function renderPublicText(tariff: Tariff, locale: PublicLocale = 'zh-CN'): string {
  const w: Words = { zh: locale === 'zh-CN', sep: locale === 'zh-CN' ? '；' : '; ' };
  const date = tariff.effectiveFrom.slice(0, 10);
  const lines: string[] = [];
  lines.push(
    w.zh
      ? `${tariff.name}（第${tariff.version}版，自${date}起执行）`
      : `${tariff.nameEn ?? tariff.name} (version ${tariff.version}, in force from ${date})`,
  );
  for (const rule of Object.values(tariff.rules)) lines.push(ruleLine(rule, w));
  const paid = tariff.paidExitMinutes;
  if (paid > 0) {
    // What the engine charges after the window (#26.1), in the words of the option the tariff chose.
    const fromPayment = tariff.overtime === 'fromPayment';
    lines.push(
      w.zh
        ? `缴费后${span(paid)}内离场不另收费；${fromPayment ? '超时的自缴费时起按本标准重新计费（不再享受免费时段）' : '超时的自入场起累计计费，扣除已缴费用'}`
        : `after paying, leave within ${spanEn(paid)} at no extra cost; ${fromPayment ? 'later, charging starts afresh from the payment time under this standard (no second free period)' : 'later, the whole stay from entry is charged, less what was paid'}`,
    );
  }
  const expiry = passExpiryLine(tariff, w);
  if (expiry) lines.push(expiry);
  lines.push(noEntryLine(tariff, w));
  const remarks = remarkLines(tariff, w);
  const cal = tariff.calendar;
  if (cal.holidays.length > 0) {
    const days = cal.holidays.map((d) => d.replace('..', w.zh ? '至' : ' to ')).join(w.zh ? '、' : ', ');
    lines.push(w.zh ? `法定节假日：${days}` : `public holidays: ${days}`);
  }
  if (cal.workdays.length > 0) {
    const days = cal.workdays.join(w.zh ? '、' : ', ');
    lines.push(w.zh ? `调休上班日按工作日计：${days}` : `make-up working days count as weekdays: ${days}`);
  }
  if (remarks.length > 0) {
    lines.push(w.zh ? '备注（仅作说明，不作为收费依据）：' : 'Remarks (explanations only, not charging rules):');
    lines.push(...remarks);
  }
  return lines.join('\n');
}

/**
 * A pass (or registration) that ends during a stay, as the engine charges it (#26.3): said where the tariff has
 * more than one class, since only then can a stay change class.
 */
function passExpiryLine(tariff: Tariff, w: Words): string | null {
  if (Object.keys(tariff.rules).length < 2) return null;
  const visitor = tariff.rules.visitor;
  if (w.zh) {
    const fallback = visitor ? `（无其他凭证的按${visitor.label}）` : '';
    return `月卡、年卡等凭证在停车期间到期的，到期前按原类别计费，自到期时起按到期后所属类别计费${fallback}，视同到期时入场，免费时段和最高收费自到期时起计`;
  }
  const fallback = visitor ? ` (${visitor.labelEn ?? visitor.label} if no other credential)` : '';
  return `a pass that ends while the vehicle is parked: charged as before up to the end, then under the class that applies after it${fallback}, as if entered then; free period and caps count from then`;
}

/** What an exit with no entry record pays, as the engine charges it (#26.4). */
function noEntryLine(tariff: Tariff, w: Words): string {
  const ne = tariff.noEntryRecord;
  if (!ne) return w.zh ? '无入场记录的车辆由管理人员核实处理' : 'vehicles with no entry record are checked by staff';
  if (ne.dailyMaximum) {
    return w.zh
      ? '无入场记录的车辆按当日最高收费收取：按其车型和适用的收费规则，计出场当日00:00至24:00的停车费'
      : "vehicles with no entry record pay the day's maximum: what their class and vehicle would pay for the whole calendar day of the exit (00:00 to 24:00)";
  }
  const classes = Object.entries(ne.byVehicleFen ?? {}) as [VehicleClass, number][];
  const zhClasses = classes.map(([v, fen]) => `${VEHICLE_NAMES[v][0]}${yuan(fen)}`).join('、');
  const enClasses = classes.map(([v, fen]) => `${VEHICLE_NAMES[v][1]} ${yuanEn(fen)}`).join(', ');
  if (ne.feeFen === undefined) {
    return w.zh
      ? `无入场记录的车辆按车型收取：${zhClasses}；其他车型由管理人员核实处理`
      : `vehicles with no entry record pay by vehicle: ${enClasses}; others are checked by staff`;
  }
  if (classes.length === 0) {
    return w.zh ? `无入场记录的车辆按${yuan(ne.feeFen)}收取` : `vehicles with no entry record pay ${yuanEn(ne.feeFen)}`;
  }
  return w.zh
    ? `无入场记录的车辆按${yuan(ne.feeFen)}收取，其中${zhClasses}`
    : `vehicles with no entry record pay ${yuanEn(ne.feeFen)}; ${enClasses}`;
}

/**
 * Free text of the tariff (an exempt class's reason): a remark, never a rule (#26.6). A reason that only says "free"
 * adds nothing to the generated line and is left out.
 */
function remarkLines(tariff: Tariff, w: Words): string[] {
  const out: string[] = [];
  for (const rule of Object.values(tariff.rules)) {
    if (rule.type !== 'exempt') continue;
    const text = w.zh ? rule.reason : (rule.reasonEn ?? rule.reason);
    if (!text || text === '免费' || text.toLowerCase() === 'free') continue;
    out.push(`${w.zh ? rule.label : (rule.labelEn ?? rule.label)}${w.zh ? '——' : ' — '}${text}`);
  }
  return out;
}

export const VEHICLE_CLASS_NAMES: Readonly<Record<VehicleClass, readonly [string, string]>> = VEHICLE_NAMES;
