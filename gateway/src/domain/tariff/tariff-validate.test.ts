import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPublicText } from './public-text.ts';
import { parseTariffText } from './tariff-load.ts';
import { validateTariff } from './tariff-validate.ts';

const base = { id: 'test', version: 1, name: '测试', effectiveFrom: '2025-01-01T00:00:00+08:00' };
const hourly = { type: 'interval', label: '临时车辆', unitMinutes: 60, priceFen: 200 };
const band = (from: string, to: string, priceFen = 200) => ({ name: '时段', from, to, unitMinutes: 60, priceFen });

function errorsOf(doc: unknown, ceiling?: Parameters<typeof validateTariff>[1]): string[] {
  const r = validateTariff(doc, ceiling);
  if (r.ok) throw new Error('expected a refusal');
  return r.errors.map((e) => `${e.path}: ${e.message}`);
}

const withRule = (rule: unknown) => ({ ...base, rules: { visitor: rule } });

describe('validateTariff refuses bad tariffs naming the rule and the field path', () => {
  // #15.2: before, each of these was accepted as it stood.
  it('caps that contradict the prices they cap', () => {
    const firstHour = {
      ...hourly,
      first: { minutes: 60, priceFen: 300 },
      caps: { daily: { window: 'rolling-24h', capsFen: [250] } },
    };
    expect(errorsOf(withRule(firstHour))).toEqual([
      'rules.visitor.caps.daily.capsFen[0]: cap 250 fen is below the first unit (300 fen): no stay could be charged one full unit',
    ]);
    const perStay = { ...hourly, caps: { perStayFen: 150 } };
    expect(errorsOf(withRule(perStay))).toEqual([
      'rules.visitor.caps.perStayFen: cap 150 fen is below the first unit (200 fen): no stay could be charged one full unit',
    ]);
    const night = withRule({
      type: 'bands',
      label: 'v',
      bands: [band('08:00', '20:00', 300), { ...band('20:00', '08:00', 200), capFen: 100 }],
    });
    expect(errorsOf(night)).toEqual([
      "rules.visitor.bands[1].capFen: cap 100 fen is below the band's own unit price (200 fen)",
    ]);
    const descending = { ...hourly, caps: { daily: { window: 'rolling-24h', capsFen: [2000, 1500] } } };
    expect(errorsOf(withRule(descending))).toEqual([
      'rules.visitor.caps.daily.capsFen[1]: escalating caps must not go down (1500 fen after 2000 fen): a longer stay would pay less a day',
    ]);
  });
  // #15.1: before, each of these was dropped silently (a misspelled freePeriod made 2 h cost 400 instead of 200).
  it('an unknown field anywhere, at its own path, with the field it most likely meant', () => {
    const free = { ...hourly, freePeriodd: { minutes: 60, mode: 'deduct' } };
    expect(errorsOf(withRule(free))).toEqual([
      'rules.visitor.freePeriodd: unknown field "freePeriodd": did you mean "freePeriod"?',
    ]);
    expect(errorsOf(withRule({ ...hourly, caps: { perStay: 1000 } }))).toEqual([
      'rules.visitor.caps.perStay: unknown field "perStay": did you mean "perStayFen"?',
    ]);
    // A band's field on an interval rule: nothing close, so the fields an interval rule has.
    expect(errorsOf(withRule({ ...hourly, capFen: 1000 }))).toEqual([
      'rules.visitor.capFen: unknown field "capFen" (allowed here: type, label, labelEn, freePeriod, caps, minimumFen, vehicleFactors, newEnergy, after24h, first, unitMinutes, priceFen, roundingMinutes)',
    ]);
    const bands = withRule({ type: 'bands', label: 'v', bands: [{ ...band('08:00', '08:00'), capfen: 500 }] });
    expect(errorsOf(bands)).toEqual(['rules.visitor.bands[0].capfen: unknown field "capfen": did you mean "capFen"?']);
    expect(errorsOf({ ...withRule(hourly), paidExitMinute: 30 })).toEqual([
      'paidExitMinute: unknown field "paidExitMinute": did you mean "paidExitMinutes"?',
    ]);
  });

  it('overlapping bands', () => {
    const doc = withRule({ type: 'bands', label: 'v', bands: [band('08:00', '20:00'), band('19:00', '08:00')] });
    expect(errorsOf(doc)).toEqual(['rules.visitor.bands[1].from: band overlaps band 0 (08:00–20:00)']);
  });

  it('gapped bands, in the middle and at the end', () => {
    const doc = withRule({ type: 'bands', label: 'v', bands: [band('08:00', '12:00'), band('13:00', '08:00')] });
    expect(errorsOf(doc)).toEqual([
      'rules.visitor.bands[1].from: gap after band 0 (08:00–12:00): 12:00–13:00 is not covered',
    ]);
    const short = withRule({ type: 'bands', label: 'v', bands: [band('08:00', '20:00'), band('20:00', '07:00')] });
    expect(errorsOf(short)).toEqual([
      'rules.visitor.bands[1].to: gap: bands end at 07:00 but must cover 24 h back to 08:00',
    ]);
  });

  it('a day-type table with another day start', () => {
    const doc = withRule({
      type: 'bands',
      label: 'v',
      bands: [band('08:00', '08:00')],
      dayTypes: { weekend: { bands: [band('00:00', '00:00')] } },
    });
    expect(errorsOf(doc)[0]).toMatch(/^rules\.visitor\.dayTypes\.weekend\.bands\[0\]\.from: must start at 08:00/);
  });

  it('negative prices', () => {
    expect(errorsOf(withRule({ ...hourly, priceFen: -100 }))).toEqual([
      'rules.visitor.priceFen: must not be negative (got -100)',
    ]);
  });

  it('a cap below the minimum charge', () => {
    const doc = withRule({
      ...hourly,
      minimumFen: 800,
      caps: { perStayFen: 500, daily: { window: 'rolling-24h', capsFen: [600] } },
    });
    expect(errorsOf(doc)).toEqual([
      'rules.visitor.caps.perStayFen: cap 500 fen is below the minimum charge 800 fen (rules.visitor.minimumFen)',
      'rules.visitor.caps.daily.capsFen[0]: cap 600 fen is below the minimum charge 800 fen (rules.visitor.minimumFen)',
    ]);
  });

  it('an unknown vehicle class', () => {
    expect(errorsOf(withRule({ ...hourly, vehicleFactors: { truck: 300 } }))).toEqual([
      "rules.visitor.vehicleFactors.truck: unknown vehicle class 'truck' (known: small, large, motorcycle)",
    ]);
  });

  it('a rounding step that does not fit the unit, and tiers that would make a longer stay cheaper', () => {
    expect(errorsOf(withRule({ ...hourly, roundingMinutes: 45 }))).toEqual([
      'rules.visitor.roundingMinutes: 45 min does not divide the unit of 60 min',
    ]);
    const tiers = withRule({
      type: 'tiers',
      label: 'v',
      mode: 'flat',
      tiers: [
        { upToMinutes: 120, priceFen: 500 },
        { upToMinutes: 1440, priceFen: 400 },
      ],
      repeat: { everyMinutes: 1440, priceFen: 500 },
    });
    expect(errorsOf(tiers)).toEqual([
      'rules.visitor.tiers[1].priceFen: a longer stay must not cost less (400 < 500 fen of an earlier tier)',
    ]);
  });

  it('an unknown time zone, a bad effective date and a bad 调休 day', () => {
    expect(errorsOf({ ...withRule(hourly), timeZone: 'Mars/Olympus' })).toEqual([
      "timeZone: unknown time zone 'Mars/Olympus'",
    ]);
    expect(errorsOf({ ...withRule(hourly), effectiveFrom: '2025-01-01' })).toEqual([
      'effectiveFrom: must be an ISO date-time with offset',
    ]);
    expect(errorsOf({ ...withRule(hourly), calendar: { workdays: ['2025-01-27'] } })).toEqual([
      'calendar.workdays[0]: 2025-01-27 is already a weekday (调休 days fall on a weekend)',
    ]);
  });

  it('prices above the government guidance price (政府指导价)', () => {
    const ceiling = { perHourFen: { small: 300, large: 500 }, per24hFen: { small: 2000 } };
    const doc = withRule({ ...hourly, priceFen: 200, vehicleFactors: { large: 300 } });
    expect(errorsOf(doc, { ceiling })).toEqual([
      'rules.visitor.priceFen: 600 fen within 1 h for large vehicles is above the guidance price (政府指导价) of 500 fen per hour',
      'rules.visitor: a 24 h stay from 2025-01-01 00:00:00 costs 4800 fen for small vehicles, above the guidance price (政府指导价) of 2000 fen per 24 h',
    ]);
    const capped = withRule({ ...hourly, caps: { daily: { window: 'rolling-24h', capsFen: [2000] } } });
    expect(validateTariff(capped, { ceiling }).ok).toBe(true);
    const bands = withRule({
      type: 'bands',
      label: 'v',
      bands: [{ ...band('08:00', '20:00', 400), roundingMinutes: 30 }, band('20:00', '08:00', 100)],
      caps: { perStayFen: 2000 },
    });
    expect(errorsOf(bands, { ceiling })).toEqual([
      'rules.visitor.bands[0].priceFen: 400 fen within 1 h for small vehicles is above the guidance price (政府指导价) of 300 fen per hour',
    ]);
  });

  it('loads several versions from one YAML text and prefixes errors with the document index', () => {
    const text = `- ${JSON.stringify(withRule(hourly))}\n- ${JSON.stringify({ ...withRule({ ...hourly, priceFen: -1 }), version: 2 })}\n`;
    const r = parseTariffText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('[1].rules.visitor.priceFen: must not be negative (got -1)');
    const good = parseTariffText(
      `${JSON.stringify(withRule(hourly))}\n---\n${JSON.stringify({ ...withRule(hourly), version: 2 })}`,
    );
    expect(good.ok && good.tariffs.map((t) => t.version)).toEqual([1, 2]);
  });
});

describe('renderPublicText (公示)', () => {
  const doc = validateTariff({
    ...base,
    rules: {
      visitor: {
        ...hourly,
        freePeriod: { minutes: 60, mode: 'deduct' },
        caps: { daily: { window: 'rolling-24h', capsFen: [1000] } },
      },
      monthly: {
        type: 'exempt',
        label: '月卡车辆',
        labelEn: 'Monthly passes',
        reason: '有效期内免费',
        reasonEn: 'free',
      },
    },
    noEntryRecord: { feeFen: 1000 },
  });
  if (!doc.ok) throw new Error(doc.message);

  it('renders the Chinese text posted at the gate from the same document', () => {
    const lines = renderPublicText(doc.tariff, 'zh-CN').split('\n');
    expect(lines).toEqual([
      '测试（第1版，自2025-01-01起执行）',
      '临时车辆：1小时内免费；超过1小时每小时2元，不足1小时按1小时计；自入场起每24小时最高收费10元；停车超过24小时的连续计费，免费时段只计一次',
      '月卡车辆：免费',
      '缴费后15分钟内离场不另收费；超时的自缴费时起按本标准重新计费（不再享受免费时段）',
      '月卡、年卡等凭证在停车期间到期的，到期前按原类别计费，自到期时起按到期后所属类别计费（无其他凭证的按临时车辆），视同到期时入场，免费时段和最高收费自到期时起计',
      '无入场记录的车辆按10元收取',
      '备注（仅作说明，不作为收费依据）：',
      '月卡车辆——有效期内免费',
    ]);
  });

  it('renders English too', () => {
    expect(renderPublicText(doc.tariff, 'en').split('\n')[1]).toBe(
      '临时车辆: first 1 h free; beyond 1 h: ¥2 per hour, each started 1 h counts in full; at most ¥10 per 24 h counted from entry; a stay over 24 h is charged on as one stay, the free period only once',
    );
  });
});

describe('validateTariff warns of what is legal but most likely not meant (#15.2)', () => {
  const warningsOf = (doc: unknown) => {
    const r = validateTariff(doc);
    if (!r.ok) throw new Error(`refused: ${r.message}`);
    return r.warnings.map((w) => `${w.path}: ${w.message}`);
  };

  it('a daily cap no stay can reach: 24 h at 2 元 an hour is 48 元 at most', () => {
    const idle = { ...hourly, caps: { daily: { window: 'rolling-24h', capsFen: [4800, 6000] } } };
    expect(warningsOf(withRule(idle))).toEqual([
      'rules.visitor.caps.daily.capsFen[0]: never binds: a 24 h stay costs at most 4800 fen without caps, not more than the cap of 4800 fen',
      'rules.visitor.caps.daily.capsFen[1]: never binds: a 24 h stay costs at most 4800 fen without caps, not more than the cap of 6000 fen',
    ]);
    const binding = { ...hourly, caps: { daily: { window: 'rolling-24h', capsFen: [4700] } } };
    expect(warningsOf(withRule(binding))).toEqual([]);
  });

  it('a band cap above the whole band, a stay cap that hides the daily cap, a daily cap below the dearest unit', () => {
    const bands = withRule({
      type: 'bands',
      label: 'v',
      bands: [band('08:00', '20:00', 300), { ...band('20:00', '08:00', 100), capFen: 1200 }],
      caps: { perStayFen: 250, daily: { window: 'rolling-24h', capsFen: [250] } },
    });
    expect(warningsOf(bands)).toEqual([
      'rules.visitor.caps.daily.capsFen[0]: cap 250 fen is below the dearest unit of the rule (300 fen): a stay is capped before that unit is paid in full',
      'rules.visitor.caps.daily: never binds: the cap per stay (250 fen) is not above the first daily cap (250 fen)',
      'rules.visitor.bands[1].capFen: never binds: the whole band (20:00–08:00) costs at most 1200 fen, not more than the cap of 1200 fen',
    ]);
  });

  it.each(['banded-visitor', 'day-night', 'residential-guidance'])('tariffs/%s.yaml carries no warning', (name) => {
    const text = readFileSync(join(import.meta.dirname, `../../../../tariffs/${name}.yaml`), 'utf8');
    expect(parseTariffText(text)).toMatchObject({ ok: true, warnings: [] });
  });

  it('a plain hourly rule carries no warning', () => {
    expect(validateTariff(withRule(hourly))).toMatchObject({ ok: true, warnings: [] });
  });
});
