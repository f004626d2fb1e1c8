import { describe, expect, it } from 'vitest';
import { computeIndicators } from './compute-indicators.ts';
import { definitionsWith } from './definitions.ts';
import { emptyInput, fixtureSite } from './indicator-fixtures.ts';
import type { ZoneOccupancy } from './indicator-input.ts';
import { HOUR_MS, localToEpoch, MINUTE_MS } from './local-time.ts';

const H = HOUR_MS;
const M = MINUTE_MS;
// 2024-03-04 00:00 Asia/Shanghai.
const DAY0 = Date.UTC(2024, 2, 3, 16);

function day(zone: Omit<ZoneOccupancy, 'zone'>, site = fixtureSite([10])) {
  return computeIndicators({ ...emptyInput(site, DAY0, DAY0 + 24 * H), occupancy: [{ zone: 'z1', ...zone }] });
}

/** #12.1: how long a reading counts is a per-source rule, printed on the report. */
describe('the hold rule of each source', () => {
  // One reading at 08:00 (8 of 10 present) and nothing after: it counts for the source's hold.
  const one = [{ at: DAY0 + 8 * H, present: 8 }];
  it.each([
    // Gate count and sensors are recorded every minute: 15 min of silence is missing data.
    ['count', undefined, 0.25],
    ['sensor', undefined, 0.25],
    // A feed with no known interval: 60 min.
    ['feed', undefined, 1],
    // A feed sampled every 30 min, stamped up to 5 min late: one interval plus that, 35 min.
    ['feed', { intervalMinutes: 30, toleranceMinutes: 5 }, 35 / 60],
    // A feed sampled every 2 h: the feed cap, 60 min, still applies.
    ['feed', { intervalMinutes: 120, toleranceMinutes: 0 }, 1],
  ] as const)('%s %j: a lone reading counts %f h', (source, feed, hours) => {
    const r = day({ source, steps: one, ...(feed ? { feed } : {}) });
    expect(r.site.coveredHours).toBeCloseTo(hours, 12);
    expect(r.zones[0]?.rule.holdMinutes).toBeCloseTo(hours * 60, 9);
  });

  it('prints the rule it used, in both languages', () => {
    const r = day({ source: 'feed', feed: { intervalMinutes: 30, toleranceMinutes: 5 }, steps: one });
    expect(r.zones[0]?.rule).toEqual({
      source: 'feed',
      holdMinutes: 35,
      hold: {
        zh: '导入数据：每个读数保持到下一个读数，最长35分钟（采样间隔30分钟，允许延迟5分钟）；超过即为缺失',
        en: 'imported feed: a reading holds until the next one, at most 35 min (sampled every 30 min, up to 5 min late); longer is missing data',
      },
      expectedWindow: '00:00–24:00',
    });
    expect(day({ holdMinutes: null, steps: one }).zones[0]?.rule.hold.zh).toBe(
      '道闸计数：变化记录，每个读数保持到下一个读数，缺失时段由记录标出',
    );
  });

  it('the defaults are settings of the definitions', () => {
    const site = fixtureSite([10]);
    const input = { ...emptyInput(site, DAY0, DAY0 + 24 * H), occupancy: [{ zone: 'z1', steps: one }] };
    const defs = definitionsWith({ hold: { sensorMinutes: 15, countMinutes: 30, feedMinutes: 60 } });
    expect(computeIndicators(input, defs).site.coveredHours).toBeCloseTo(0.5, 12);
  });
});

/** #12.2: completeness against the window the source is expected to observe, with the gaps in it. */
describe('completeness against the expected window', () => {
  const feed = { intervalMinutes: 30, toleranceMinutes: 5 };
  const daytime = [{ from: '08:00', to: '16:30' }];
  // Readings every 30 min from 08:00 to 16:30 (18 readings), 5 cars of 10.
  const every = (skip: number[] = []) =>
    Array.from({ length: 18 }, (_, k) => ({ at: DAY0 + 8 * H + k * 30 * M, present: 5 })).filter(
      (_, k) => !skip.includes(k),
    );

  it('a full daytime feed is complete: 8.5 of 8.5 expected hours, no gaps', () => {
    const r = day({ source: 'feed', feed, expected: daytime, steps: every() });
    expect(r.site.expectedHours).toBeCloseTo(8.5, 12);
    expect(r.site.coveredHours).toBeCloseTo(8.5, 12);
    expect(r.site.completeness).toBeCloseTo(1, 12);
    expect(r.site.gaps).toEqual([]);
    expect(r.dataQuality.flags).toEqual([]);
    expect(r.zones[0]?.rule.expectedWindow).toBe('08:00–16:30');
    // The last reading (16:30) still holds to 17:05: observed, outside the window, in the mean but not in completeness.
    expect(r.site.meanOccupancy).toBeCloseTo(0.5, 12);
  });

  it('a missed slot is a gap: 11:30 held 35 min to 12:05, next reading 12:30', () => {
    // Reading k = 8 is 12:00.
    const r = day({ source: 'feed', feed, expected: daytime, steps: every([8]) });
    expect(r.site.gaps).toEqual([{ from: DAY0 + 12 * H + 5 * M, to: DAY0 + 12.5 * H }]);
    // (8.5 h − 25 min) / 8.5 h
    expect(r.site.completeness).toBeCloseTo((8.5 * 60 - 25) / (8.5 * 60), 12);
    expect(r.site.coveredHours).toBeCloseTo(8.5 - 25 / 60, 12);
  });

  it('sensors and gates are expected around the clock (the old 24 h reading, now stated)', () => {
    const r = day({ source: 'count', steps: every() });
    expect(r.site.expectedHours).toBe(24);
    // Each reading holds 15 min: 18 × 15 min = 4.5 h of 24.
    expect(r.site.completeness).toBeCloseTo(4.5 / 24, 12);
  });

  it('a window across midnight, and a 25-hour day keep their local hours', () => {
    const night = computeIndicators({
      ...emptyInput(fixtureSite([10]), DAY0, DAY0 + 24 * H),
      occupancy: [{ zone: 'z1', holdMinutes: null, expected: [{ from: '22:00', to: '06:00' }], steps: [] }],
    });
    // 00:00–06:00 and 22:00–24:00 of the day: 8 h expected, none covered.
    expect(night.site.expectedHours).toBe(8);
    expect(night.site.gaps).toEqual([
      { from: DAY0, to: DAY0 + 6 * H },
      { from: DAY0 + 22 * H, to: DAY0 + 24 * H },
    ]);
    const london = fixtureSite([10], { timeZone: 'Europe/London' });
    const from = localToEpoch('Europe/London', 2016, 10, 30);
    const to = localToEpoch('Europe/London', 2016, 10, 31);
    expect(to - from).toBe(25 * H);
    const r = computeIndicators({
      ...emptyInput(london, from, to),
      occupancy: [{ zone: 'z1', source: 'feed', feed, expected: daytime, steps: [] }],
    });
    expect(r.site.expectedHours).toBe(8.5);
  });

  it('the site is expected where every zone is', () => {
    const site = fixtureSite([10, 10]);
    const r = computeIndicators({
      ...emptyInput(site, DAY0, DAY0 + 24 * H),
      occupancy: [
        { zone: 'z1', source: 'feed', feed, expected: daytime, steps: every() },
        { zone: 'z2', holdMinutes: null, steps: [{ at: DAY0, present: 5 }] },
      ],
    });
    expect(r.zones[1]?.expectedHours).toBe(24);
    expect(r.site.expectedHours).toBeCloseTo(8.5, 12);
    expect(r.site.completeness).toBeCloseTo(1, 12);
  });
});
