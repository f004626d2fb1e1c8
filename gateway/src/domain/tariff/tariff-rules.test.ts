import { describe, expect, it } from 'vitest';
import { type CompiledTariff, compileTariff } from './tariff-compile.ts';
import { quote } from './tariff-quote.ts';
import { at, compiled, fee, H, M, ok, S, stay, tariffOf } from './tariff-test-kit.ts';

const MON = '2025-03-03T10:00:00';
const hourly = { type: 'interval', label: '临时车辆', unitMinutes: 60, priceFen: 200 };

describe('first interval plus additional interval, with a rounding step', () => {
  const ct = compiled({ visitor: { ...hourly, first: { minutes: 60, priceFen: 300 }, roundingMinutes: 30 } });
  it.each([
    [10 * M, 300], // inside the first hour: the first-hour price
    [60 * M, 300], // exactly the first hour
    [61 * M, 400], // + one started 30-min step at 200/2 = 100
    [90 * M, 400],
    [91 * M, 500], // second step
    [3 * H, 300 + 4 * 100], // 2 h after the first hour = 4 steps
  ])('%i ms → %i fen', (d, expected) => {
    expect(fee(ct, at(MON), at(MON) + d)).toBe(expected);
  });

  // #15.4: the first interval's item read "每小时3元，不足1小时按1小时计", a repeating rate; the 公示 says 首1小时3元.
  it('words the first interval as the published text does, and the rate after it', () => {
    const q = ok(quote(stay(at(MON), at(MON) + 2 * H), ct));
    expect(q.items.filter((i) => i.kind === 'charge').map((i) => [i.text, i.textEn, i.amountFen])).toEqual([
      ['首1小时3元', 'first 1 h ¥3', 300],
      [
        '之后每小时2元，按每30分钟1元计，不足30分钟按30分钟计',
        'then ¥2 per hour, charged ¥1 per 30 min; each started 30 min counts in full',
        200,
      ],
    ]);
  });

  it('rounds per 15 minutes', () => {
    const q = compiled({ visitor: { ...hourly, priceFen: 400, roundingMinutes: 15 } });
    expect(fee(q, at(MON), at(MON) + 15 * M)).toBe(100); // one 15-min step of 400/4
    expect(fee(q, at(MON), at(MON) + 16 * M)).toBe(200); // 2 started steps
  });
});

describe('additive duration tiers', () => {
  const ct = compiled({
    visitor: {
      type: 'tiers',
      label: '临时车辆',
      mode: 'additive',
      tiers: [
        { upToMinutes: 120, unitMinutes: 60, priceFen: 300 },
        { upToMinutes: 480, unitMinutes: 60, priceFen: 200 },
        { unitMinutes: 60, priceFen: 100 },
      ],
    },
  });
  it.each([
    [1 * H, 300], // first tier 1 × 300
    [2 * H, 600], // 2 × 300
    [2 * H + M, 800], // + a started hour of tier 2
    [8 * H, 1800], // 600 + 6 × 200
    [10 * H, 2000], // + 2 × 100
  ])('%i ms → %i fen', (d, expected) => {
    expect(fee(ct, at(MON), at(MON) + d)).toBe(expected);
  });
});

describe('caps', () => {
  it('caps per stay', () => {
    const ct = compiled({ visitor: { ...hourly, caps: { perStayFen: 1500 } } });
    const r = ok(quote(stay(at(MON), at(MON) + 72 * H), ct));
    expect(r.totalFen).toBe(1500); // 72 × 200 = 14400 → 1500
    expect(r.items.at(-1)).toMatchObject({ kind: 'stay-cap', amountFen: 1500 - 14400 });
  });

  it('escalates rolling daily caps for multi-day stays', () => {
    const ct = compiled({
      visitor: { ...hourly, caps: { daily: { window: 'rolling-24h', capsFen: [1000, 2000, 3000] } } },
    });
    expect(fee(ct, at(MON), at(MON) + 24 * H)).toBe(1000); // day 1 cap
    expect(fee(ct, at(MON), at(MON) + 48 * H)).toBe(3000); // + day 2 cap 2000
    expect(fee(ct, at(MON), at(MON) + 72 * H)).toBe(6000); // + 3000
    expect(fee(ct, at(MON), at(MON) + 96 * H)).toBe(9000); // the last cap repeats
  });

  it('caps per calendar day with a reset time', () => {
    const ct = compiled({
      visitor: { ...hourly, caps: { daily: { window: 'calendar-day', resetAt: '06:00', capsFen: [1000] } } },
    });
    // Mon 20:00–Tue 06:00: 10 hours = 2000 → 1000; Tue 06:00–10:00: 4 × 200 = 800
    const r = ok(quote(stay(at('2025-03-03T20:00:00'), at('2025-03-04T10:00:00')), ct));
    expect(r.totalFen).toBe(1800);
    expect(r.items.find((i) => i.kind === 'daily-cap')).toMatchObject({
      amountFen: -1000,
      fromLocal: '2025-03-03 20:00:00',
      toLocal: '2025-03-04 06:00:00',
    });
  });

  it('escalates calendar-day caps counted from the day of entry', () => {
    const ct = compiled({
      visitor: { ...hourly, caps: { daily: { window: 'calendar-day', resetAt: '08:00', capsFen: [1000, 2000] } } },
    });
    // [Mon 08:00, Tue 08:00): 12 h = 2400 → 1000; [Tue 08:00, 12:00): 800 under cap 2000
    expect(fee(ct, at('2025-03-03T20:00:00'), at('2025-03-04T12:00:00'))).toBe(1800);
  });
});

describe('minimum charge', () => {
  const ct = compiled({ visitor: { ...hourly, unitMinutes: 15, priceFen: 100, minimumFen: 300 } });
  it('raises a small charge to the minimum but leaves a free stay free', () => {
    const r = ok(quote(stay(at(MON), at(MON) + 10 * M), ct));
    expect(r.totalFen).toBe(300); // 1 × 100 → minimum 300
    expect(r.items.at(-1)).toMatchObject({ kind: 'minimum', amountFen: 200 });
    expect(fee(ct, at(MON), at(MON) + H)).toBe(400); // 4 × 100 ≥ minimum
    expect(fee(ct, at(MON), at(MON))).toBe(0);
  });
});

describe('new-energy percent discount and vehicle classes', () => {
  const ct = compiled({ visitor: { ...hourly, newEnergy: { discountPercent: 50 }, vehicleFactors: { large: 200 } } });
  it('discounts electric vehicles after the vehicle factor', () => {
    expect(fee(ct, at(MON), at(MON) + 2 * H, { energy: 'electric' })).toBe(200); // 400 × 50%
    expect(fee(ct, at(MON), at(MON) + 2 * H, { energy: 'electric', vehicleClass: 'large' })).toBe(400); // 800 × 50%
  });
});

describe('user classes and failures', () => {
  const ct = compiled({ visitor: hourly });
  it('refuses an unknown user class, an exit before entry, a stay before any tariff, no entry without a fee', () => {
    expect(quote(stay(at(MON), at(MON) + H, { userClass: 'nobody' }), ct)).toMatchObject({
      ok: false,
      reason: 'unknown-user-class',
    });
    expect(quote(stay(at(MON), at(MON) - S), ct)).toMatchObject({ ok: false, reason: 'exit-before-entry' });
    expect(quote(stay(at('2023-12-31T23:00:00'), at(MON)), ct)).toMatchObject({
      ok: false,
      reason: 'no-tariff-in-force',
    });
    expect(quote(stay(null, at(MON)), ct)).toMatchObject({ ok: false, reason: 'no-entry-record' });
  });
});

describe('a stay across a tariff version change', () => {
  const v1 = compileTariff(
    tariffOf({ visitor: { ...hourly, freePeriod: { minutes: 60, mode: 'deduct' } } }, { id: 'site', version: 1 }),
  );
  const v2 = compileTariff(
    tariffOf(
      { visitor: { ...hourly, priceFen: 300, freePeriod: { minutes: 60, mode: 'deduct' } } },
      { id: 'site', version: 2, effectiveFrom: '2025-07-01T00:00:00+08:00' },
    ),
  );
  const versions: CompiledTariff[] = [v1, v2];

  it('splits at the change and charges each part by its version', () => {
    // 06-30 22:00–07-01 02:00: free 22–23; v1 charges the 23:00 hour = 200;
    // v2 from entry to 02:00 = hours 23, 00, 01 = 900, less v2 up to 00:00 = 300 → 600
    const r = ok(quote(stay(at('2025-06-30T22:00:00'), at('2025-07-01T02:00:00')), versions));
    expect(r.totalFen).toBe(800);
    expect(r.tariffIds).toEqual(['site@1', 'site@2']);
    const split = r.items.find((i) => i.kind === 'version-split');
    expect(split).toMatchObject({ amountFen: -300, tariff: 'site@2', toLocal: '2025-07-01 00:00:00' });
    expect(r.items.filter((i) => i.kind === 'charge').map((i) => [i.tariff, i.amountFen])).toEqual([
      ['site@1', 200],
      ['site@2', 900],
    ]);
  });

  it('uses one version when the stay does not cross the change, the later one from the change instant', () => {
    expect(fee(versions, at('2025-06-30T10:00:00'), at('2025-06-30T13:00:00'))).toBe(400); // v1: 2 × 200
    expect(fee(versions, at('2025-07-01T00:00:00'), at('2025-07-01T03:00:00'))).toBe(600); // v2: 2 × 300
    expect(ok(quote(stay(at('2025-07-01T00:00:00'), at('2025-07-01T03:00:00')), versions)).tariffIds).toEqual([
      'site@2',
    ]);
  });
});

describe('time zones with daylight saving', () => {
  const ct = compiled(
    {
      visitor: {
        type: 'bands',
        label: 'Visitors',
        bands: [
          { name: '白天', from: '08:00', to: '20:00', unitMinutes: 60, priceFen: 200 },
          { name: '夜间', from: '20:00', to: '08:00', unitMinutes: 60, priceFen: 100 },
        ],
      },
    },
    { timeZone: 'Europe/Berlin' },
  );
  it('walks local bands across the spring-forward night', () => {
    expect(ct.zone.fixedOffset).toBeNull();
    // Sat 2025-03-29 18:00 CET → Sun 09:00 CEST: day 2 h = 400, night 20:00–08:00 is 11 real hours = 1100, day 1 h = 200
    const r = ok(quote(stay(Date.parse('2025-03-29T18:00:00+01:00'), Date.parse('2025-03-30T09:00:00+02:00')), ct));
    expect(r.items.map((i) => [i.units, i.fromLocal, i.toLocal])).toEqual([
      [2, '2025-03-29 18:00:00', '2025-03-29 20:00:00'],
      [11, '2025-03-29 20:00:00', '2025-03-30 08:00:00'],
      [1, '2025-03-30 08:00:00', '2025-03-30 09:00:00'],
    ]);
    expect(r.totalFen).toBe(1700);
  });

  it('keeps Asia/Shanghai on one fixed offset', () => {
    expect(compiled({ visitor: hourly }).zone.fixedOffset).toBe(8 * H);
  });
});
