import { describe, expect, it } from 'vitest';
import { duration, localInputToMs, msToLocalInput, normalisePlate, percent, yuan } from './format.ts';

describe('dashboard formatting', () => {
  it('shows integer fen as yuan with two decimals, keeping the sign', () => {
    expect(yuan(0)).toBe('¥0.00');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(1250)).toBe('¥12.50');
    expect(yuan(-300)).toBe('-¥3.00');
    expect(yuan(undefined)).toBe('—');
  });

  it('shows durations in days, hours and minutes', () => {
    expect(duration(0)).toBe('0分');
    expect(duration(125 * 60_000)).toBe('2小时5分');
    expect(duration((26 * 60 + 1) * 60_000, 'en')).toBe('1 d 2 h 1 min');
  });

  it('shows ratios and ready percentages', () => {
    expect(percent(0.873)).toBe('87.3%');
    expect(percent(97, true)).toBe('97%');
  });

  it('reads datetime-local text in the site zone and writes it back', () => {
    // 2024-03-01 08:30 in Shanghai (UTC+8) is 00:30 UTC.
    const ms = localInputToMs('2024-03-01T08:30', 'Asia/Shanghai');
    expect(ms).toBe(Date.UTC(2024, 2, 1, 0, 30));
    expect(msToLocalInput(Date.UTC(2024, 2, 1, 0, 30), 'Asia/Shanghai')).toBe('2024-03-01T08:30');
    expect(localInputToMs('nonsense')).toBeNull();
  });

  it('normalises plates like the gateway', () => {
    expect(normalisePlate('京a·12345')).toBe('京A12345');
    expect(normalisePlate('沪 B-D1234')).toBe('沪BD1234');
  });
});
