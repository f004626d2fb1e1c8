import { describe, expect, it } from 'vitest';
import { DEFAULT_RATES, PublishRateLimiter, RateLimits } from './rate-limit.ts';

const limiter = (over: Partial<RateLimits> = {}) => new PublishRateLimiter(RateLimits.parse(over));

describe('PublishRateLimiter: a token bucket per device user', () => {
  it('passes a burst, then holds each publish until its token, then disconnects a flood and cools it down', () => {
    const l = limiter({ maxThrottleMs: 10_000, cooldownMs: 60_000 });
    const { burst, perSecond } = DEFAULT_RATES.spaceSensor; // 20 at once, then one per 5 s
    for (let i = 0; i < burst; i++) expect(l.admit('sen-1', 'spaceSensor', 0)).toEqual({ action: 'pass' });
    expect(l.admit('sen-1', 'spaceSensor', 0)).toEqual({ action: 'wait', ms: 1000 / perSecond });
    expect(l.admit('sen-1', 'spaceSensor', 0)).toEqual({ action: 'wait', ms: 2000 / perSecond });
    // The third over budget would wait 15 s > 10 s: a flood.
    expect(l.admit('sen-1', 'spaceSensor', 0)).toMatchObject({ action: 'disconnect' });
    expect(l.coolingDown('sen-1', 1000)).toBe(59_000);
    expect(l.coolingDown('sen-1', 60_000)).toBe(0);
    // Another sensor is not affected.
    expect(l.admit('sen-2', 'spaceSensor', 0)).toEqual({ action: 'pass' });
  });

  it('refills at the rate: a sensor within a few messages a minute is never held', () => {
    const l = limiter();
    for (let t = 0; t < 3_600_000; t += 10_000) expect(l.admit('sen-1', 'spaceSensor', t).action).toBe('pass');
  });

  it('does not limit site-wide roles (the gateway publishes every display and occupancy)', () => {
    const l = limiter();
    for (let i = 0; i < 10_000; i++) expect(l.admit('gw', 'gateway', 0).action).toBe('pass');
  });

  it('scales every rate for devices on an accelerated clock, and takes a class override', () => {
    const l = limiter({ scale: 60, rates: { camera: { perSecond: 1, burst: 2 } } });
    expect(l.rateOf('spaceSensor')).toEqual({ perSecond: 12, burst: 20 });
    expect(l.rateOf('camera')).toEqual({ perSecond: 60, burst: 2 });
    expect(l.rateOf('dashboard')).toBeNull();
  });

  it('refuses an unknown key in the config, naming it', () => {
    expect(() => RateLimits.parse({ rates: { sensor: { perSecond: 1, burst: 1 } } })).toThrow(/sensor/);
    expect(() => RateLimits.parse({ maxThrottle: 1 })).toThrow(/maxThrottle/);
  });
});
