import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPublicText } from './public-text.ts';
import type { Tariff } from './tariff.schema.ts';
import { compileTariff } from './tariff-compile.ts';
import { parseTariffText } from './tariff-load.ts';
import { quote } from './tariff-quote.ts';
import { at, H, M, ok, S, stay } from './tariff-test-kit.ts';

const root = resolve(import.meta.dirname, '../../../..');

function load(name: string): Tariff {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', `${name}.yaml`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.tariffs[0] as Tariff;
}

/**
 * The published text (公示) of every shipped tariff, word for word (#15.5): a resident must be able to compute every
 * fee the engine charges from it. Below, stays worked by hand from the text alone, then quoted by the engine.
 */
const GOLDEN: Record<string, { zh: string; en: string }> = {
  'residential-guidance': {
    zh: [
      '住宅小区临时停车收费标准（第1版，自2025-01-01起执行）',
      '临时车辆：1小时内免费；超过1小时每小时2元，不足1小时按1小时计；自入场起每24小时最高收费10元；停车超过24小时的连续计费，免费时段只计一次；大型车按2倍收费；摩托车按0.5倍收费',
      '业主车辆临时停放：2小时内免费；超过2小时每小时1元，不足1小时按1小时计；自入场起每24小时最高收费5元；停车超过24小时的连续计费，免费时段只计一次；大型车按2倍收费；摩托车按0.5倍收费',
      '月卡/年卡车辆：免费',
      '物业工作车辆：免费',
      '免费车辆（执行任务的警车、消防车、救护车等）：免费',
      '缴费后15分钟内离场不另收费；超时的自缴费时起按本标准重新计费（不再享受免费时段）',
      '月卡、年卡等凭证在停车期间到期的，到期前按原类别计费，自到期时起按到期后所属类别计费（无其他凭证的按临时车辆），视同到期时入场，免费时段和最高收费自到期时起计',
      '无入场记录的车辆按10元收取',
      '法定节假日：2025-01-01、2025-01-28至2025-02-04、2025-04-04至2025-04-06、2025-05-01至2025-05-05、2025-05-31至2025-06-02、2025-10-01至2025-10-08',
      '调休上班日按工作日计：2025-01-26、2025-02-08、2025-04-27、2025-09-28、2025-10-11',
      '备注（仅作说明，不作为收费依据）：',
      '月卡/年卡车辆——有效期内免费',
    ].join('\n'),
    en: [
      'Residential community parking fees (version 1, in force from 2025-01-01)',
      'Visitors (temporary vehicles): first 1 h free; beyond 1 h: ¥2 per hour, each started 1 h counts in full; at most ¥10 per 24 h counted from entry; a stay over 24 h is charged on as one stay, the free period only once; large vehicles pay 200%; motorcycles pay 50%',
      "Owners' temporary stays: first 2 h free; beyond 2 h: ¥1 per hour, each started 1 h counts in full; at most ¥5 per 24 h counted from entry; a stay over 24 h is charged on as one stay, the free period only once; large vehicles pay 200%; motorcycles pay 50%",
      'Monthly and annual pass holders: free',
      'Property staff: free',
      'Free vehicles (police, fire, ambulance on duty): free',
      'after paying, leave within 15 min at no extra cost; later, charging starts afresh from the payment time under this standard (no second free period)',
      'a pass that ends while the vehicle is parked: charged as before up to the end, then under the class that applies after it (Visitors (temporary vehicles) if no other credential), as if entered then; free period and caps count from then',
      'vehicles with no entry record pay ¥10',
      'public holidays: 2025-01-01, 2025-01-28 to 2025-02-04, 2025-04-04 to 2025-04-06, 2025-05-01 to 2025-05-05, 2025-05-31 to 2025-06-02, 2025-10-01 to 2025-10-08',
      'make-up working days count as weekdays: 2025-01-26, 2025-02-08, 2025-04-27, 2025-09-28, 2025-10-11',
      'Remarks (explanations only, not charging rules):',
      'Monthly and annual pass holders — free while the pass is valid',
    ].join('\n'),
  },
  'day-night': {
    zh: [
      '小区昼夜分时段收费标准（第1版，自2025-01-01起执行）',
      '临时车辆：30分钟内离场免费；超过30分钟的自入场起计：周末及节假日：白天08:00–20:00每小时1元，不足1小时按1小时计，夜间20:00–次日08:00每小时1元，不足1小时按1小时计，每晚最高收费5元；其他日期：白天08:00–20:00每小时2元，按每30分钟1元计，不足30分钟按30分钟计，夜间20:00–次日08:00每小时1元，不足1小时按1小时计，每晚最高收费5元；时段交界时刻计入后一时段（20:00整起按夜间计）；跨时段停车的，各时段分别计时，不足一个计费单位的按一个单位计；周末、节假日价格按自然日（00:00至24:00）适用；跨两个日期的夜间按各自日期计价，封顶按一晚计；每个自然日（00:00至24:00）最高收费20元；停车超过24小时的连续计费，免费时段只计一次；大型车按2倍收费；摩托车按0.5倍收费；新能源车首2小时免费',
      '业主车辆临时停放：2小时内免费；超过2小时的部分：白天08:00–20:00每小时1元，不足1小时按1小时计；夜间20:00–次日08:00免费；时段交界时刻计入后一时段（20:00整起按夜间计）；跨时段停车的，各时段分别计时，不足一个计费单位的按一个单位计；自入场起每24小时最高收费5元；停车超过24小时的连续计费，免费时段只计一次；大型车按2倍收费；摩托车按0.5倍收费',
      '月卡车辆：免费',
      '物业工作车辆：免费',
      '免费车辆：免费',
      '缴费后15分钟内离场不另收费；超时的自缴费时起按本标准重新计费（不再享受免费时段）',
      '月卡、年卡等凭证在停车期间到期的，到期前按原类别计费，自到期时起按到期后所属类别计费（无其他凭证的按临时车辆），视同到期时入场，免费时段和最高收费自到期时起计',
      '无入场记录的车辆按20元收取',
      '法定节假日：2025-01-01、2025-01-28至2025-02-04、2025-04-04至2025-04-06、2025-05-01至2025-05-05、2025-05-31至2025-06-02、2025-10-01至2025-10-08',
      '调休上班日按工作日计：2025-01-26、2025-02-08、2025-04-27、2025-09-28、2025-10-11',
      '备注（仅作说明，不作为收费依据）：',
      '月卡车辆——有效期内免费',
      '免费车辆——执行任务的警车、消防车、救护车等免费',
    ].join('\n'),
    en: [
      'Day and night parking fees (version 1, in force from 2025-01-01)',
      'Visitors: free when leaving within 30 min; longer stays from entry: weekends and holidays: day 08:00–20:00: ¥1 per hour, each started 1 h counts in full, night 20:00–08:00: ¥1 per hour, each started 1 h counts in full, at most ¥5 per night; other days: day 08:00–20:00: ¥2 per hour, charged ¥1 per 30 min; each started 30 min counts in full, night 20:00–08:00: ¥1 per hour, each started 1 h counts in full, at most ¥5 per night; an instant on a band boundary belongs to the band starting there (from 20:00 sharp: night); a stay across bands is timed in each band separately, each started unit counting in full; weekend and holiday prices apply by calendar date (00:00 to 24:00); a night across two dates is priced by date and capped as one night; at most ¥20 per calendar day (00:00 to 24:00); a stay over 24 h is charged on as one stay, the free period only once; large vehicles pay 200%; motorcycles pay 50%; new-energy vehicles: first 2 h free',
      "Owners' temporary stays: first 2 h free; time beyond 2 h: day 08:00–20:00: ¥1 per hour, each started 1 h counts in full; night 20:00–08:00: free; an instant on a band boundary belongs to the band starting there (from 20:00 sharp: night); a stay across bands is timed in each band separately, each started unit counting in full; at most ¥5 per 24 h counted from entry; a stay over 24 h is charged on as one stay, the free period only once; large vehicles pay 200%; motorcycles pay 50%",
      'Monthly pass holders: free',
      'Property staff: free',
      'Free vehicles: free',
      'after paying, leave within 15 min at no extra cost; later, charging starts afresh from the payment time under this standard (no second free period)',
      'a pass that ends while the vehicle is parked: charged as before up to the end, then under the class that applies after it (Visitors if no other credential), as if entered then; free period and caps count from then',
      'vehicles with no entry record pay ¥20',
      'public holidays: 2025-01-01, 2025-01-28 to 2025-02-04, 2025-04-04 to 2025-04-06, 2025-05-01 to 2025-05-05, 2025-05-31 to 2025-06-02, 2025-10-01 to 2025-10-08',
      'make-up working days count as weekdays: 2025-01-26, 2025-02-08, 2025-04-27, 2025-09-28, 2025-10-11',
      'Remarks (explanations only, not charging rules):',
      'Monthly pass holders — free while the pass is valid',
      'Free vehicles — police, fire and ambulance vehicles on duty park free',
    ].join('\n'),
  },
  'banded-visitor': {
    zh: [
      '小区外来车辆分档收费标准（第1版，自2025-01-01起执行）',
      '外来车辆：1小时以内（含1小时）免费；超过1小时至2小时（含）5元；超过2小时至8小时（含）10元；超过8小时至12小时（含）15元；超过12小时至24小时（含）20元；超过24小时的，每满24小时20元，余下时间按上表计；大型车按2倍收费',
      '业主车辆：1小时内离场免费；超过1小时的自入场起计，每24小时5元，不足24小时按24小时计；停车超过24小时的连续计费，免费时段只计一次',
      '月卡车辆：免费',
      '物业工作车辆：免费',
      '免费车辆：免费',
      '缴费后15分钟内离场不另收费；超时的自缴费时起按本标准重新计费（不再享受免费时段）',
      '月卡、年卡等凭证在停车期间到期的，到期前按原类别计费，自到期时起按到期后所属类别计费（无其他凭证的按外来车辆），视同到期时入场，免费时段和最高收费自到期时起计',
      '无入场记录的车辆按20元收取',
      '备注（仅作说明，不作为收费依据）：',
      '月卡车辆——有效期内免费',
      '免费车辆——执行任务的警车、消防车、救护车等免费',
    ].join('\n'),
    en: [
      'Banded fees for outside vehicles (version 1, in force from 2025-01-01)',
      'Outside vehicles: up to 1 h inclusive: free; over 1 h up to 2 h inclusive: ¥5; over 2 h up to 8 h inclusive: ¥10; over 8 h up to 12 h inclusive: ¥15; over 12 h up to 24 h inclusive: ¥20; beyond 24 h: ¥20 per whole 24 h, the rest by the table above; large vehicles pay 200%',
      'Owners: free when leaving within 1 h; longer stays are charged from entry: ¥5 per 24 h, each started 24 h counts in full; a stay over 24 h is charged on as one stay, the free period only once',
      'Monthly pass holders: free',
      'Property staff: free',
      'Free vehicles: free',
      'after paying, leave within 15 min at no extra cost; later, charging starts afresh from the payment time under this standard (no second free period)',
      'a pass that ends while the vehicle is parked: charged as before up to the end, then under the class that applies after it (Outside vehicles if no other credential), as if entered then; free period and caps count from then',
      'vehicles with no entry record pay ¥20',
      'Remarks (explanations only, not charging rules):',
      'Monthly pass holders — free while the pass is valid',
      'Free vehicles — police, fire and ambulance vehicles on duty park free',
    ].join('\n'),
  },
};

describe('the 公示 of every shipped tariff', () => {
  it.each(Object.keys(GOLDEN))('%s, in Chinese and English', (name) => {
    const tariff = load(name);
    expect(renderPublicText(tariff, 'zh-CN')).toBe(GOLDEN[name]!.zh);
    expect(renderPublicText(tariff, 'en')).toBe(GOLDEN[name]!.en);
  });
});

type Row = [what: string, entry: string, exit: string | number, fen: number];

function byHand(name: string, rows: Row[]): void {
  const ct = compileTariff(load(name));
  it.each(rows)('%s', (_what, entry, exit, fen) => {
    const e = at(entry);
    const x = typeof exit === 'number' ? e + exit : at(exit);
    expect(ok(quote(stay(e, x), ct)).totalFen).toBe(fen);
  });
}

// 2025-03-03 is a Monday.
describe('residential-guidance, from its text: 自入场起每24小时最高收费10元', () => {
  byHand('residential-guidance', [
    // 24 h from entry 20:00: 23 charged hours × 2元 = 46元, one window from entry → 10元. Counted per calendar day it
    // would be Mon 20–24 (3 h after the free hour: 6元) + Tue 00–20 (20 h, capped 10元) = 16元.
    ['Mon 20:00 → Tue 20:00: one 24 h window from entry, 10元', '2025-03-03T20:00:00', 24 * H, 1000],
    // 1 s into the second window: its first started hour, 2元.
    ['Mon 20:00 → Tue 20:00:01: 10元 + 2元', '2025-03-03T20:00:00', 24 * H + S, 1200],
  ]);
});

describe('day-night, from its text: bands, boundaries, 每晚 and 每个自然日 caps', () => {
  byHand('day-night', [
    // 18:00–20:00 day: 4 steps of 30 min × 1元 = 4元; 20:00 sharp belongs to the night, which has 0 min here.
    ['Mon 18:00 → 20:00: all day band, 4元', '2025-03-03T18:00:00', '2025-03-03T20:00:00', 400],
    // 20:00 sharp starts the night: 2 h × 1元.
    ['Mon 20:00 → 22:00: all night band, 2元', '2025-03-03T20:00:00', '2025-03-03T22:00:00', 200],
    // Each band on its own: day 19:40–20:00 = 20 min → 1 started 30-min step (1元); night 20:00–21:10 = 70 min → 2
    // started hours (2元); 3元 in all.
    ['Mon 19:40 → 21:10: each band rounds on its own, 1元 + 2元', '2025-03-03T19:40:00', '2025-03-03T21:10:00', 300],
    // A night across midnight is one night: 12 h × 1元 = 12元, 每晚最高5元.
    ['Mon 20:00 → Tue 08:00: one night, capped 5元', '2025-03-03T20:00:00', '2025-03-04T08:00:00', 500],
    // Day 08:00–20:00: 24 steps × 1元 = 24元, 每个自然日最高20元.
    ['Mon 08:00 → 20:00: 24元, one calendar day capped 20元', '2025-03-03T08:00:00', '2025-03-03T20:00:00', 2000],
    // Leaving within 30 min is free; 31 min is charged from entry: 2 day steps (2元).
    ['Mon 10:00 → 10:30: free', '2025-03-03T10:00:00', 30 * M, 0],
    ['Mon 10:00 → 10:31: from entry, 2 steps', '2025-03-03T10:00:00', 31 * M, 200],
  ]);
});

describe('banded-visitor, from its text: upper bounds inclusive', () => {
  byHand('banded-visitor', [
    ['exactly 1 h: 1小时以内（含1小时）免费', '2025-03-03T10:00:00', 1 * H, 0],
    ['exactly 2 h: 超过1小时至2小时（含）5元', '2025-03-03T10:00:00', 2 * H, 500],
    ['2 h 1 s: 超过2小时至8小时（含）10元', '2025-03-03T10:00:00', 2 * H + S, 1000],
    ['24 h: 20元', '2025-03-03T10:00:00', 24 * H, 2000],
    // 每满24小时20元，余下时间按上表计: 24 h (20元) + 1 h (free) = 20元; + 1 h 1 s → 5元 more.
    ['25 h: 20元 + 1 h free', '2025-03-03T10:00:00', 25 * H, 2000],
    ['25 h 1 s: 20元 + 5元', '2025-03-03T10:00:00', 25 * H + S, 2500],
  ]);
});

// #26.6: an exempt rule printed its free text as if it were a rule ("到期后按临时车计费"), enforced by nothing.
describe('free text never reads as a rule', () => {
  const tariff = (reason: string) =>
    ({
      ...load('residential-guidance'),
      rules: {
        visitor: load('residential-guidance').rules.visitor!,
        monthly: {
          type: 'exempt',
          label: '月卡车辆',
          labelEn: 'Monthly passes',
          reason,
          reasonEn: 'charged as a visitor after expiry',
        },
      },
    }) as Tariff;

  it('the line is generated from what the engine applies; the reason is a remark, set apart and marked so', () => {
    const lines = renderPublicText(tariff('到期后按临时车计费'), 'zh-CN').split('\n');
    expect(lines).toContain('月卡车辆：免费');
    expect(lines).not.toContain('月卡车辆：到期后按临时车计费');
    expect(lines.slice(-2)).toEqual(['备注（仅作说明，不作为收费依据）：', '月卡车辆——到期后按临时车计费']);
    const en = renderPublicText(tariff('到期后按临时车计费'), 'en').split('\n');
    expect(en.slice(-2)).toEqual([
      'Remarks (explanations only, not charging rules):',
      'Monthly passes — charged as a visitor after expiry',
    ]);
  });

  it('the breakdown of an exempt stay says what is charged, not the reason', () => {
    const ct = compileTariff(tariff('到期后按临时车计费'));
    const q = ok(quote(stay(at('2025-03-03T10:00:00'), at('2025-03-03T15:00:00'), { userClass: 'monthly' }), ct));
    expect(q.totalFen).toBe(0);
    expect(q.items.map((i) => [i.kind, i.text, i.textEn])).toEqual([
      ['exempt', '月卡车辆：免费', 'Monthly passes: free'],
    ]);
  });
});
