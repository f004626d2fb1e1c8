import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, progressLine } from './progress.ts';

describe('progress on stderr', () => {
  it('estimates the time left from the rate so far', () => {
    expect(progressLine('replay', 250, 1000, 5000)).toBe('replay 250/1000 25% 50/s, about 15s left');
    expect(progressLine('import', 1000, 1000, 125_000)).toBe('import 1000/1000 100% 8.0/s, done in 2m05s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });

  it('prints at most once per interval, and always at the end', () => {
    let now = 0;
    const lines: string[] = [];
    const progress = createProgress({
      label: 'x',
      total: 10,
      write: (l) => lines.push(l),
      intervalMs: 1000,
      now: () => now,
    });
    for (let i = 0; i < 10; i++) {
      now += 300;
      progress.tick();
    }
    progress.finish();
    // Ticks at 300 (first line), 1500, 2700 pass the 1 s interval; finish prints the last.
    expect(lines).toEqual([
      'x 1/10 10% 3.3/s, about 3s left',
      'x 5/10 50% 3.3/s, about 2s left',
      'x 9/10 90% 3.3/s, about 0s left',
      'x 10/10 100% 3.3/s, done in 3s',
    ]);
  });
});
