import { describe, expect, it } from 'vitest';
import { atLocalHour, HOUR_MS, localTime, SimClock } from './sim-clock.ts';

describe('SimClock', () => {
  it('runs speed× real time from its start', () => {
    let real = 1000;
    const clock = new SimClock({ start: 5_000_000, speed: 60, realNow: () => real });
    expect(clock.now()).toBe(5_000_000);
    real += 1500;
    expect(clock.now()).toBe(5_000_000 + 90_000);
    expect(clock.toReal(HOUR_MS)).toBe(60_000);
  });

  it('fires timers set in simulated time, and none after stop', async () => {
    const clock = new SimClock({ start: 0, speed: 3600 });
    const fired: string[] = [];
    await new Promise<void>((resolve) => {
      clock.after(HOUR_MS / 10, () => fired.push('b'));
      clock.after(HOUR_MS / 100, () => fired.push('a'));
      clock.after(HOUR_MS / 5, resolve);
    });
    expect(fired).toEqual(['a', 'b']);
    clock.after(1, () => fired.push('late'));
    clock.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('knows local hours and weekdays in Asia/Shanghai', () => {
    // 2026-01-05 23:30 UTC is Tuesday 07:30 in Shanghai.
    const t = Date.UTC(2026, 0, 5, 23, 30);
    const local = localTime(t, 'Asia/Shanghai');
    expect(local.hour).toBe(7.5);
    expect(local.weekday).toBe(2);
    expect(local.midnight).toBe(Date.UTC(2026, 0, 5, 16));
    expect(atLocalHour(t, 6, 'Asia/Shanghai')).toBe(Date.UTC(2026, 0, 5, 22));
  });
});
