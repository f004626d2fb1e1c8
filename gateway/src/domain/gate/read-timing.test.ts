import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, STALE_READ_MS } from './gate-rules.ts';
import { CLOCK_WINDOW_MS, DeviceClock, judgeReadTime } from './read-timing.ts';

const T = Date.parse('2026-03-02T08:00:00+08:00');
const MIN = 60_000;

describe('judgeReadTime: a read opens only when demonstrably fresh', () => {
  // [what, device ts, clock estimate (ms ahead), expected]
  it.each([
    ['on time, clock good', T, 0, { fresh: true, at: T, delayMs: 0 }],
    ['1 min late, clock good', T - MIN, 0, { fresh: true, at: T - MIN, delayMs: MIN }],
    ['exactly the stale limit', T - STALE_READ_MS, 0, { fresh: true, at: T - STALE_READ_MS, delayMs: STALE_READ_MS }],
    [
      '3 min late: recorded late at its own time',
      T - 3 * MIN,
      0,
      { fresh: false, why: 'late', at: T - 3 * MIN, delayMs: 3 * MIN },
    ],
    // A clock 4 min ahead whose read shows 1 min old was really taken 5 min ago.
    [
      '1 min old by a clock 4 min ahead',
      T - MIN,
      4 * MIN,
      { fresh: false, why: 'late', at: T - MIN, delayMs: 5 * MIN },
    ],
    ['stamped 4 min ahead by a clock 4 min ahead', T + 4 * MIN, 4 * MIN, { fresh: true, at: T + 4 * MIN, delayMs: 0 }],
    // Past the skew limit the delay is unknown: never opens, recorded at arrival.
    [
      '6 min late',
      T - 6 * MIN,
      -6 * MIN,
      { fresh: false, why: 'clock', at: T, apparentDelayMs: 6 * MIN, clockOffsetMs: -6 * MIN },
    ],
    [
      '60 min late',
      T - 60 * MIN,
      -60 * MIN,
      { fresh: false, why: 'clock', at: T, apparentDelayMs: 60 * MIN, clockOffsetMs: -60 * MIN },
    ],
    [
      'a day in the future',
      T + 86_400_000,
      86_400_000,
      { fresh: false, why: 'clock', at: T, apparentDelayMs: -86_400_000, clockOffsetMs: 86_400_000 },
    ],
    [
      '1 ms past the skew limit',
      T - MAX_CLOCK_SKEW_MS - 1,
      -MAX_CLOCK_SKEW_MS - 1,
      {
        fresh: false,
        why: 'clock',
        at: T,
        apparentDelayMs: MAX_CLOCK_SKEW_MS + 1,
        clockOffsetMs: -MAX_CLOCK_SKEW_MS - 1,
      },
    ],
    // This read looks on time, but the same camera stamped messages 10 min ahead minutes ago: its clock is not good.
    [
      'looks on time from a clock seen 10 min ahead',
      T,
      10 * MIN,
      { fresh: false, why: 'clock', at: T, apparentDelayMs: 0, clockOffsetMs: 10 * MIN },
    ],
  ] as const)('%s', (_what, ts, clockOffsetMs, expected) => {
    expect(judgeReadTime({ ts, receivedAt: T, clockOffsetMs })).toEqual(expected);
  });
});

describe('DeviceClock: the least delayed message of the window estimates the clock', () => {
  it('takes the largest ts − receivedAt of the window: a delayed message does not hide a clock ahead', () => {
    const c = new DeviceClock();
    c.observe(T + 2 * MIN, T); // prompt, clock 2 min ahead
    c.observe(T + MIN, T + 3 * MIN); // delayed 3 min
    expect(c.offset(T + 3 * MIN)).toBe(2 * MIN);
  });

  it('forgets samples older than the window', () => {
    const c = new DeviceClock();
    c.observe(T + 3 * MIN, T);
    c.observe(T + CLOCK_WINDOW_MS + 6 * MIN, T + CLOCK_WINDOW_MS + 6 * MIN);
    expect(c.offset(T + CLOCK_WINDOW_MS + 6 * MIN)).toBe(0);
  });

  it('takes no sample from a message past the skew limit (judged on its own)', () => {
    const c = new DeviceClock();
    c.observe(T + 86_400_000, T);
    expect(c.offset(T)).toBeNull();
    c.observe(T - MIN, T);
    expect(c.offset(T)).toBe(-MIN);
  });

  it('knows nothing before the first message', () => {
    expect(new DeviceClock().offset(T)).toBeNull();
  });

  it('keeps a bounded number of buckets however many messages', () => {
    const c = new DeviceClock();
    for (let i = 0; i < 10_000; i++) c.observe(T + i * 1000, T + i * 1000 + 50);
    expect(c.offset(T + 10_000 * 1000)).toBe(-50);
    expect((c as unknown as { buckets: unknown[] }).buckets.length).toBeLessThanOrEqual(8);
  });

  it('a message handled out of order counts in its own bucket', () => {
    const c = new DeviceClock();
    c.observe(T + 10 * MIN, T + 10 * MIN);
    c.observe(T + 2 * MIN, T); // received earlier, handled later: the clock runs 2 min ahead
    expect(c.offset(T + 10 * MIN)).toBe(2 * MIN);
  });
});
