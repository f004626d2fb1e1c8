import { describe, expect, it } from 'vitest';
import { computeIndicators } from './compute-indicators.ts';
import { emptyInput, fixtureSite } from './indicator-fixtures.ts';
import type { OccupancyStep } from './indicator-input.ts';
import { HOUR_MS, localDays, localToEpoch } from './local-time.ts';

const H = HOUR_MS;
// 2024-03-04 00:00 Asia/Shanghai.
const DAY0 = Date.UTC(2024, 2, 3, 16);

/** A day of 10 spaces: 9 present (saturated at θ = 0.85) 00:00–12:00, then 5 to midnight. */
function busyDay(start: number): OccupancyStep[] {
  return [
    { at: start, present: 9 },
    { at: start + 12 * H, present: 5 },
  ];
}

function threeDays(steps: OccupancyStep[]) {
  return computeIndicators({
    ...emptyInput(fixtureSite([10]), DAY0, DAY0 + 72 * H),
    // A change log: each reading holds until the next; `present: null` marks where nothing is known.
    occupancy: [{ zone: 'z1', holdMinutes: null, steps }],
  });
}

const saturationPerDay = (r: ReturnType<typeof threeDays>) =>
  r.index.components.find((c) => c.key === 'saturationHoursPerDay')?.figure;

/** #12.3: per-day figures divide by the days with data, and thin data gets no level. */
describe('the index divides by observed time and has a completeness floor', () => {
  it('two days with data of three: 24 saturated hours are 12 a day, not 8', () => {
    const r = threeDays([...busyDay(DAY0), ...busyDay(DAY0 + 24 * H), { at: DAY0 + 48 * H, present: null }]);
    expect(r.site.completeness).toBeCloseTo(2 / 3, 12);
    expect(r.site.saturationHours).toBeCloseTo(24, 12);
    // 48 covered hours / 24 expected hours a day = 2 observed days; 24 h / 2 = 12 h a day, the component's 100-point.
    expect(saturationPerDay(r)).toBeCloseTo(12, 12);
    expect(r.index.components.find((c) => c.key === 'saturationHoursPerDay')?.score).toBeCloseTo(100, 9);
    expect(r.index.basis).toEqual({ localDays: 3, observedDays: 2, completeness: 2 / 3, minCompleteness: 0.5 });
    expect(r.index.value).not.toBeNull();
  });

  it('one day with data of three (33%) is below the 50% floor: 数据不足, no level', () => {
    const r = threeDays([...busyDay(DAY0), { at: DAY0 + 24 * H, present: null }]);
    expect(r.site.completeness).toBeCloseTo(1 / 3, 12);
    expect(r.index.value).toBeNull();
    expect(r.index.level).toBeNull();
    expect(r.index.reasons).toEqual({
      zh: '数据不足：占用数据仅覆盖应有观测时长的33%（低于50%），不评定等级',
      en: 'not enough data: occupancy data covers only 33% of the expected observation time (below 50%); no level given',
    });
  });

  it('a 4%-complete feed is not rated smooth', () => {
    // One reading at 09:00 of a feed expected 08:00–16:30, held 20 min: 20 of 510 min = 3.9%.
    const r = computeIndicators({
      ...emptyInput(fixtureSite([10]), DAY0, DAY0 + 24 * H),
      occupancy: [
        {
          zone: 'z1',
          source: 'feed',
          feed: { intervalMinutes: 20, toleranceMinutes: 0 },
          expected: [{ from: '08:00', to: '16:30' }],
          steps: [{ at: DAY0 + 9 * H, present: 1 }],
        },
      ],
    });
    expect(r.site.completeness).toBeCloseTo(20 / 510, 12);
    expect(r.index.value).toBeNull();
    expect(r.index.reasons.en).toContain('covers only 4%');
  });
});

/** #12.8: a day is a local calendar day, 23 or 25 hours long on a clock change. */
describe('per-day figures count local calendar days', () => {
  it.each([
    ['the 25-hour day (Europe/London 2016-10-30)', 2016, 10, 30, 1],
    ['the 23-hour day (Europe/London 2016-03-27)', 2016, 3, 27, 1],
  ])('%s is one day', (_what, y, m, d, days) => {
    const from = localToEpoch('Europe/London', y, m, d);
    const to = localToEpoch('Europe/London', y, m, d + 1);
    expect(localDays(from, to, 'Europe/London')).toBe(days);
  });

  it('October 2016 in London is 31 days (745 hours); half of a local day counts one half', () => {
    const from = localToEpoch('Europe/London', 2016, 10, 1);
    const to = localToEpoch('Europe/London', 2016, 11, 1);
    expect((to - from) / H).toBe(745);
    expect(localDays(from, to, 'Europe/London')).toBe(31);
    expect(localDays(DAY0, DAY0 + 12 * H, 'Asia/Shanghai')).toBe(0.5);
  });

  it('25 saturated hours on the 25-hour day are 25 a day, not 24', () => {
    const site = fixtureSite([10], { timeZone: 'Europe/London' });
    const from = localToEpoch('Europe/London', 2016, 10, 30);
    const to = localToEpoch('Europe/London', 2016, 10, 31);
    const r = computeIndicators({
      ...emptyInput(site, from, to),
      occupancy: [{ zone: 'z1', holdMinutes: null, steps: [{ at: from, present: 9 }] }],
    });
    expect(r.site.saturationHours).toBe(25);
    expect(r.index.basis).toMatchObject({ localDays: 1, observedDays: 1 });
    expect(saturationPerDay(r)).toBe(25);
  });
});

/** #12.4: the occupancy component is a sustained level, so one busy quarter-hour cannot decide the level. */
describe('the index reads sustained occupancy, not the peak', () => {
  // 10 spaces for 5 households (2 a household: that component scores 0); no gate decisions (the denied-entry
  // component has no data, weight 0.2 left out).
  const site = fixtureSite([10], { households: 5 });
  const dayWith = (busy: { from: number; hours: number }) =>
    computeIndicators({
      ...emptyInput(site, DAY0, DAY0 + 24 * H),
      occupancy: [
        {
          zone: 'z1',
          holdMinutes: null,
          steps: [
            { at: DAY0, present: 5 },
            { at: DAY0 + busy.from * H, present: 10 },
            { at: DAY0 + (busy.from + busy.hours) * H, present: 5 },
          ],
        },
      ],
    });

  it('one full quarter-hour: peak 100%, sustained 50%, the index stays 畅通', () => {
    const r = dayWith({ from: 12, hours: 0.25 });
    expect(r.site.peakOccupancy).toBe(1);
    // 95 quarters at 0.5 and one at 1.0: rank ⌈0.85 · 96⌉ = 82 is 0.5.
    expect(r.site.sustainedOccupancy).toBe(0.5);
    const score = (key: string) => r.index.components.find((c) => c.key === key)?.score;
    expect(score('sustainedOccupancy')).toBe(0);
    // Saturated 0.25 h a day → 0.25/12 × 100 = 2.083 × 0.2; night 0.5 → 0; overflow 0; space ratio 0; over the 0.8
    // of weight with data: 0.5208. (Read by the peak, 100 × 0.25 would have made it 31.8, 一般.)
    expect(r.index.value).toBeCloseTo((0.2 * (0.25 / 12) * 100) / 0.8, 9);
    expect(r.index.level?.key).toBe('smooth');
  });

  it('full for 4 hours (17% of the day) is a sustained 100%', () => {
    const r = dayWith({ from: 10, hours: 4 });
    // 80 quarters at 0.5, 16 at 1.0: rank 82 is 1.0.
    expect(r.site.sustainedOccupancy).toBe(1);
    expect(r.index.components.find((c) => c.key === 'sustainedOccupancy')?.score).toBe(100);
  });
});

describe('turnover per local calendar day (#12.8)', () => {
  it('20 entries into 10 spaces on the 25-hour day are 2 a space a day, not 1.92', () => {
    const site = fixtureSite([10], { timeZone: 'Europe/London' });
    const from = localToEpoch('Europe/London', 2016, 10, 30);
    const to = localToEpoch('Europe/London', 2016, 10, 31);
    const sessions = Array.from({ length: 20 }, (_, i) => ({
      id: `s${i}`,
      zone: 'z1',
      entryAt: from + i * H,
      exitAt: from + i * H + 30 * 60_000,
      userClass: 'visitor' as const,
      vehicleClass: 'small',
      feeFen: 0,
      paidFen: 0,
      flags: { fuzzy: false, noEntryRecord: false, manualOpen: false, visitorOverstay: false },
    }));
    const r = computeIndicators({
      ...emptyInput(site, from, to),
      occupancy: [{ zone: 'z1', holdMinutes: null, steps: [{ at: from, present: 1 }] }],
      sessions,
    });
    expect(r.sessions.turnover).toBeCloseTo(2, 12);
    expect(r.zones[0]?.turnover).toBeCloseTo(2, 12);
    // Space-hour utilisation stays in real hours: 10 h of stays over 10 spaces × 25 h.
    expect(r.sessions.spaceHourUtilisation).toBeCloseTo(10 / 250, 12);
  });
});
