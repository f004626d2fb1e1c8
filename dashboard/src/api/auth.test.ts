import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const store = new Map<string, string>();
let auth: typeof import('./auth.ts');

beforeAll(async () => {
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => store.set(key, value),
    removeItem: (key: string) => store.delete(key),
  });
  auth = await import('./auth.ts');
});

afterEach(() => {
  vi.useRealTimers();
});

const user = { username: 'wang', role: 'staff' as const, sites: ['s1'], displayName: '王师傅' };

describe('login expiry', () => {
  it('expires ttlMs after login on the browser clock, whatever the gateway clock says', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    // The demo's gateway clock runs ahead (60×): its expiresAt says nothing about the browser's time.
    auth.setAuth({ token: 't1', expiresAt: 9_000_000_000_000, ttlMs: 8 * 3_600_000, user });
    expect(auth.getAuth()?.localExpiresAt).toBe(1_000_000 + 8 * 3_600_000);
    vi.advanceTimersByTime(8 * 3_600_000 - 1);
    expect(auth.getAuth()?.token).toBe('t1');
    vi.advanceTimersByTime(1);
    expect(auth.getAuth()).toBeNull();
    expect(auth.takeExpiredFlag()).toBe(true);
    expect(store.size).toBe(0);
  });
});
