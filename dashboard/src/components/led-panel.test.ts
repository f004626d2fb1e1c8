import { describe, expect, it } from 'vitest';
import { displayExpired } from './led-panel.tsx';

describe('LED mirror', () => {
  const display = { lines: ['京A12345', '欢迎回家'], colour: 'green', voice: null, at: 1_000_000, seconds: 5 };

  it('shows the text for its seconds on the gateway clock, then blanks as the panel does', () => {
    expect(displayExpired(display, 1_000_000)).toBe(false);
    expect(displayExpired(display, 1_004_999)).toBe(false);
    expect(displayExpired(display, 1_005_000)).toBe(true);
  });

  it('keeps showing until a gateway time has been seen', () => {
    expect(displayExpired(display, null)).toBe(false);
  });
});
