import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Stay } from './tariff.schema.ts';
import { type CompiledTariff, compileTariff } from './tariff-compile.ts';
import { parseTariffText } from './tariff-load.ts';
import { quote } from './tariff-quote.ts';
import { at, H, M, ok, S, stay } from './tariff-test-kit.ts';

const root = resolve(import.meta.dirname, '../../../..');

function load(name: string): CompiledTariff {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', `${name}.yaml`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return compileTariff(parsed.tariffs[0] as never);
}

type Row = [entry: string, exit: string | number, fen: number, more?: Partial<Stay>];

function table(ct: CompiledTariff, rows: Row[]): void {
  it.each(rows)('%s → %s = %i fen', function row(entry, exit, expected, more) {
    const e = at(entry);
    const x = typeof exit === 'number' ? e + exit : at(exit);
    expect(ok(quote(stay(e, x, more), ct)).totalFen).toBe(expected);
  });
}

// 2025-03-03 is a Monday; 2025-03-08 a Saturday; 2025-05-01 a holiday (Thursday); 2025-04-27 a 调休 Sunday.
describe('residential-guidance: first hour free, ¥2 per started hour, at most ¥10 per 24 h', () => {
  const ct = load('residential-guidance');
  table(ct, [
    ['2025-03-03T10:00:00', 0, 0], // zero-length stay
    ['2025-03-03T10:00:00', 1 * H, 0], // exactly 1 h: inside the free hour
    ['2025-03-03T10:00:00', 1 * H + S, 200], // 1 s past: 1 started hour × 200
    ['2025-03-03T10:00:00', 2 * H, 200], // 2 h → 1 charged hour
    ['2025-03-03T10:00:00', 2 * H + M, 400], // 2h01m → 3 started hours, first free → 2×200
    ['2025-03-03T10:00:00', 6 * H, 1000], // 5 charged hours = 1000 = the cap exactly
    ['2025-03-03T10:00:00', 7 * H, 1000], // 6 × 200 = 1200, capped at 1000
    ['2025-03-03T22:00:00', '2025-03-04T01:30:00', 600], // across midnight: 3h30 − 1h → 3 started hours
    ['2025-03-03T10:00:00', 24 * H, 1000], // 23 charged hours = 4600, capped at 1000
    ['2025-03-03T10:00:00', 24 * H + S, 1200], // the hour starting at +24 h opens window 2: +200
    ['2025-03-03T10:00:00', 25 * H, 1200], // window 2 holds only the hour from +24 h
    ['2025-03-03T10:00:00', 25 * H + S, 1400], // and the one from +25 h
    ['2025-03-03T10:00:00', 72 * H, 3000], // 3 days: 3 windows capped at 1000
    ['2025-03-03T10:00:00', 30 * 24 * H, 30000], // 30 days: 30 × 1000
    ['2025-03-03T10:00:00', 30 * 24 * H + M, 30200], // one minute into day 31: one hour × 200
    ['2025-03-03T10:00:00', 3 * H, 800, { vehicleClass: 'large' }], // 2 h × 200 = 400, large ×2
    ['2025-03-03T10:00:00', 3 * H, 200, { vehicleClass: 'motorcycle' }], // 400 × 50%
    ['2025-03-03T10:00:00', 1 * H + M, 100, { vehicleClass: 'motorcycle' }], // 200 × 50%
    ['2025-03-03T10:00:00', 3 * H, 400, { energy: 'electric' }], // no new-energy rule here
    ['2025-03-03T10:00:00', 2 * H, 0, { userClass: 'owner' }], // owners: 2 h free
    ['2025-03-03T10:00:00', 2 * H + M, 100, { userClass: 'owner' }], // 1 started hour × 100
    ['2025-03-03T10:00:00', 10 * H, 500, { userClass: 'owner' }], // 8 × 100 capped at 500
    ['2025-03-03T10:00:00', 5 * H, 0, { userClass: 'monthly' }], // pass holder
    ['2025-03-03T10:00:00', 5 * H, 0, { userClass: 'staff' }],
    ['2025-03-03T10:00:00', 5 * H, 0, { userClass: 'free' }],
  ]);

  it('itemises a large vehicle over 25 h so a person can check it', () => {
    const e = at('2025-03-03T10:00:00');
    const r = ok(quote(stay(e, e + 25 * H, { vehicleClass: 'large' }), ct));
    expect(r.items.map((i) => [i.kind, i.units, i.unitFen, i.amountFen, i.fromLocal, i.toLocal])).toEqual([
      ['free', 1, 0, 0, '2025-03-03 10:00:00', '2025-03-03 11:00:00'],
      ['charge', 24, 200, 4800, '2025-03-03 11:00:00', '2025-03-04 11:00:00'],
      ['daily-cap', 1, -3600, -3600, '2025-03-03 10:00:00', '2025-03-04 10:00:00'], // window 1: 23 × 200 − 1000
      ['vehicle', 1, 1200, 1200, '2025-03-03 10:00:00', '2025-03-04 11:00:00'], // (4800 − 3600) × (2 − 1)
    ]);
    expect(r.items[3]?.text).toBe('大型车按2倍收费');
    expect(r.totalFen).toBe(2400);
  });

  it('says that a pass holder pays nothing, as the engine applies it (the reason is a remark of the 公示, #26.6)', () => {
    const e = at('2025-03-03T10:00:00');
    const r = ok(quote(stay(e, e + 5 * H, { userClass: 'monthly' }), ct));
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ kind: 'exempt', amountFen: 0, text: '月卡/年卡车辆：免费' });
  });

  it('opens within the paid-exit window and charges overtime from the payment time', () => {
    const e = at('2025-03-03T10:00:00');
    const paidAt = at('2025-03-03T13:00:00'); // fee then: 11:00 and 12:00 hours = 400
    const payments = [{ at: paidAt, amountFen: 400 }];
    const inside = ok(quote(stay(e, paidAt + 15 * M, { payments }), ct));
    expect(inside).toMatchObject({ totalFen: 400, paidFen: 400, dueFen: 0, paidExit: { until: paidAt + 15 * M } });
    expect(inside.items.at(-1)?.kind).toBe('paid-exit');
    // 13:15:01: past the window; the hour that started at 13:00 (the payment time) is now due
    const late = ok(quote(stay(e, paidAt + 15 * M + S, { payments }), ct));
    expect(late).toMatchObject({ totalFen: 600, dueFen: 200, paidExit: null });
    // a part payment opens no window
    const part = ok(quote(stay(e, paidAt + 5 * M, { payments: [{ at: paidAt, amountFen: 200 }] }), ct));
    expect(part).toMatchObject({ totalFen: 600, dueFen: 400, paidExit: null });
  });

  it('charges the no-entry-record fee', () => {
    const r = ok(quote(stay(null, at('2025-03-03T10:00:00')), ct));
    expect(r.totalFen).toBe(1000);
    expect(r.items[0]).toMatchObject({ kind: 'no-entry', amountFen: 1000 });
    expect(ok(quote(stay(null, at('2025-03-03T10:00:00'), { userClass: 'monthly' }), ct)).totalFen).toBe(0);
  });

  it('applies only the best coupon under best stacking', () => {
    const e = at('2025-03-03T10:00:00');
    const coupons = [
      { id: 'A', kind: 'amount', amountFen: 300 },
      { id: 'P', kind: 'percent', percentOff: 50 },
    ] as const;
    // 5 h → 4 charged hours = 800; amount −300 vs percent −400 → percent
    const r = ok(quote(stay(e, e + 5 * H, { coupons: [...coupons] }), ct));
    expect(r.totalFen).toBe(400);
    expect(r.items.filter((i) => i.kind === 'coupon').map((i) => i.amountFen)).toEqual([-400]);
  });
});

describe('banded-visitor: flat table per 24 h for visitors, ¥5 per started 24 h for owners', () => {
  const ct = load('banded-visitor');
  table(ct, [
    ['2025-03-03T10:00:00', 1 * H, 0], // ≤ 1 h free, boundary included
    ['2025-03-03T10:00:00', 1 * H + S, 500], // 1–2 h band
    ['2025-03-03T10:00:00', 2 * H, 500],
    ['2025-03-03T10:00:00', 2 * H + S, 1000], // 2–8 h band
    ['2025-03-03T10:00:00', 8 * H, 1000],
    ['2025-03-03T10:00:00', 8 * H + S, 1500], // 8–12 h band
    ['2025-03-03T10:00:00', 12 * H, 1500],
    ['2025-03-03T10:00:00', 12 * H + M, 2000], // 12–24 h band
    ['2025-03-03T20:00:00', '2025-03-04T07:00:00', 1500], // across midnight: 11 h → 8–12 h band
    ['2025-03-03T10:00:00', 24 * H, 2000], // one whole day, no remainder
    ['2025-03-03T10:00:00', 24 * H + S, 2000], // whole day + 1 s (≤ 1 h: free)
    ['2025-03-03T10:00:00', 25 * H + S, 2500], // whole day + (1–2 h band)
    ['2025-03-03T10:00:00', 72 * H, 6000], // 3 days × 2000
    ['2025-03-03T10:00:00', 72 * H + 2.5 * H, 7000], // 3 × 2000 + (2–8 h band) 1000
    ['2025-03-03T10:00:00', 30 * 24 * H, 60000], // 30 days × 2000
    ['2025-03-03T10:00:00', 3 * H, 2000, { vehicleClass: 'large' }], // 1000 × 2
    ['2025-03-03T10:00:00', 1 * H, 0, { userClass: 'owner' }], // owner within 1 h
    ['2025-03-03T10:00:00', 1 * H + M, 500, { userClass: 'owner' }], // grace exceeded: 1 started 24 h from entry
    ['2025-03-03T10:00:00', 24 * H, 500, { userClass: 'owner' }],
    ['2025-03-03T10:00:00', 24 * H + S, 1000, { userClass: 'owner' }], // 2 started days
    ['2025-03-03T10:00:00', 72 * H, 1500, { userClass: 'owner' }],
    ['2025-03-03T10:00:00', 30 * 24 * H, 15000, { userClass: 'owner' }],
  ]);

  it('stacks coupons in the order time, percent, amount, at most 2', () => {
    const e = at('2025-03-03T10:00:00');
    // 2h30 → 1000; time 60 min: charged time 1h30 → 500 (−500); then amount −300 → 200
    const twoKinds = [
      { id: 'A', kind: 'amount', amountFen: 300 },
      { id: 'T', kind: 'time', minutes: 60 },
    ] as const;
    const r = ok(quote(stay(e, e + 2.5 * H, { coupons: [...twoKinds] }), ct));
    expect(r.items.filter((i) => i.kind === 'coupon').map((i) => [i.text, i.amountFen])).toEqual([
      ['优惠券T：减免1小时停车时间', -500],
      ['优惠券A：减免3元', -300],
    ]);
    expect(r.totalFen).toBe(200);
    // 3 h → 1000; only percent and the first amount coupon apply: 1000 − 100 − 100
    const three = [
      { id: 'A1', kind: 'amount', amountFen: 100 },
      { id: 'A2', kind: 'amount', amountFen: 200 },
      { id: 'P', kind: 'percent', percentOff: 10 },
    ] as const;
    expect(ok(quote(stay(e, e + 3 * H, { coupons: [...three] }), ct)).totalFen).toBe(800);
    // coupons never take the fee below zero
    const big = [{ id: 'A', kind: 'amount', amountFen: 99999 }] as const;
    expect(ok(quote(stay(e, e + 3 * H, { coupons: [...big] }), ct)).totalFen).toBe(0);
  });
});

describe('day-night: banded by time of day with a night cap, weekends, holidays and a daily cap', () => {
  const ct = load('day-night');
  table(ct, [
    ['2025-03-03T10:00:00', 30 * M, 0], // grace 30 min, boundary included
    ['2025-03-03T10:00:00', 30 * M + S, 200], // from entry: 2 started 30-min steps × 100
    ['2025-03-03T10:00:00', 2 * H, 400], // 4 steps × 100
    ['2025-03-03T19:00:00', '2025-03-03T21:00:00', 300], // day 1 h = 200, night 1 h = 100
    ['2025-03-03T19:45:00', '2025-03-03T20:15:00', 0], // 30 min: grace
    ['2025-03-03T19:45:00', '2025-03-03T20:16:00', 200], // day 15 min → 100, night 16 min → 100
    ['2025-03-03T22:00:00', '2025-03-04T02:00:00', 400], // across midnight: 4 night hours
    ['2025-03-03T20:00:00', '2025-03-04T07:00:00', 500], // 11 night hours = 1100, night cap 500
    ['2025-03-03T20:00:00', '2025-03-04T08:00:00', 500], // exactly one night
    ['2025-03-03T20:00:00', '2025-03-04T08:00:01', 600], // one second into the day: 1 step
    ['2025-03-03T08:00:00', '2025-03-03T23:00:00', 2000], // day 24 × 100 + night 300 = 2700, daily cap 2000
    ['2025-03-08T10:00:00', '2025-03-08T12:00:00', 200], // Saturday day: ¥1/h
    ['2025-05-01T10:00:00', '2025-05-01T12:00:00', 200], // holiday (Thursday): weekend table
    ['2025-04-27T10:00:00', '2025-04-27T12:00:00', 400], // 调休 Sunday: weekday table
    ['2025-03-07T19:00:00', '2025-03-08T10:00:00', 900], // Fri day 200 + Fri night 500 (capped) + Sat day 200
    // 3 days from Mon 08:00: Mon 2400+400 → 2000; Tue 100+2400+400 → 2000; Wed → 2000; Thu 00–08 tail 100
    ['2025-03-03T08:00:00', '2025-03-06T08:00:00', 6100],
    // 30 days from Mon 03-03 08:00: 22 weekdays × 2000 + 8 weekend days × (100+1200+400) + last tail 100
    ['2025-03-03T08:00:00', '2025-04-02T08:00:00', 57700],
    ['2025-03-03T10:00:00', 2 * H, 800, { vehicleClass: 'large' }], // 400 × 2
    ['2025-03-03T10:00:00', 2 * H, 200, { vehicleClass: 'motorcycle' }], // 400 × 50%
    ['2025-03-03T10:00:00', 2 * H, 0, { energy: 'electric' }], // new-energy: first 2 h free
    ['2025-03-03T10:00:00', 2 * H + S, 100, { energy: 'electric' }], // 1 s past: one 30-min step
    ['2025-03-03T10:00:00', 5 * H, 0, { userClass: 'monthly' }],
    ['2025-03-03T10:00:00', 5 * H, 300, { userClass: 'owner' }], // 2 h free, then 12:00–15:00 × 100
    ['2025-03-03T10:00:00', 24 * H, 500, { userClass: 'owner' }], // 8 + 2 day hours = 1000, night free, cap 500
  ]);

  it('charges a large new-energy vehicle over 25 h item by item', () => {
    const e = at('2025-03-03T10:00:00');
    const r = ok(quote(stay(e, e + 25 * H, { vehicleClass: 'large', energy: 'electric' }), ct));
    expect(r.items.map((i) => [i.kind, i.rule, i.units, i.amountFen])).toEqual([
      ['new-energy', 'rules.visitor.newEnergy.freeMinutes', 1, 0], // 10:00–12:00 free
      ['charge', 'rules.visitor.bands[0]', 16, 1600], // Mon 12:00–20:00: 16 × 30 min × 100
      ['charge', 'rules.visitor.bands[1]', 12, 1200], // Mon 20:00–Tue 08:00: 12 h × 100
      ['band-cap', 'rules.visitor.bands[1]', 1, -700], // night cap 500
      ['charge', 'rules.visitor.bands[0]', 6, 600], // Tue 08:00–11:00
      ['vehicle', 'rules.visitor.vehicleFactors.large', 1, 2700], // (1600 + 500 + 600) × (2 − 1)
    ]);
    expect(r.totalFen).toBe(5400);
  });
});
