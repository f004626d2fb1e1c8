import { z } from 'zod';
import type { Role } from '../../gateway/src/protocol/index.ts';

/** One device class's publish budget: a token bucket refilled at `perSecond`, holding at most `burst`. */
export const PublishRate = z
  .object({
    perSecond: z.number().positive().max(100_000),
    burst: z.int().min(1).max(1_000_000),
  })
  .strict();
export type PublishRate = z.infer<typeof PublishRate>;

/**
 * Defaults per device class, in real time. A space sensor sends its state on a change and a heartbeat every few
 * minutes; a camera a plate read and a loop event per car, a few a second at the busiest gate. Site-wide roles
 * (gateway, dashboard, bureau) are not limited: the gateway publishes every display and occupancy.
 */
export const DEFAULT_RATES: Record<DeviceRole, PublishRate> = {
  camera: { perSecond: 5, burst: 30 },
  barrier: { perSecond: 5, burst: 30 },
  loop: { perSecond: 5, burst: 30 },
  display: { perSecond: 1, burst: 10 },
  payTerminal: { perSecond: 2, burst: 20 },
  spaceSensor: { perSecond: 0.2, burst: 20 },
};

const DEVICE_ROLES = ['camera', 'barrier', 'loop', 'display', 'payTerminal', 'spaceSensor'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

export const RateLimits = z
  .object({
    /** Per device class; a class left out keeps its default. */
    rates: z
      .object(
        Object.fromEntries(DEVICE_ROLES.map((r) => [r, PublishRate.optional()])) as Record<
          DeviceRole,
          z.ZodOptional<typeof PublishRate>
        >,
      )
      .strict()
      .default({}),
    /**
     * Every rate is multiplied by this: a simulator whose devices live on an accelerated clock (the demo runs a day
     * at 60×) sends as fast as the acceleration says, legitimately.
     */
    scale: z.number().positive().max(1_000_000).default(1),
    /** A publish over budget waits for its token (the connection is not read meanwhile); a longer wait disconnects. */
    maxThrottleMs: z.int().min(0).max(600_000).default(10_000),
    /** A client disconnected for its rate is refused (CONNACK 3, server unavailable) for this long. */
    cooldownMs: z.int().min(0).max(86_400_000).default(60_000),
  })
  .strict();
export type RateLimits = z.infer<typeof RateLimits>;
export type RateLimitsInput = z.input<typeof RateLimits>;

export type Admission = { action: 'pass' } | { action: 'wait'; ms: number } | { action: 'disconnect'; reason: string };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-user publish budgets (token buckets, keyed by username so a reconnect does not refill them; at most one per
 * credentials entry) and the cool-down of users disconnected for flooding. Time is passed in.
 */
export class PublishRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly cooling = new Map<string, number>();

  constructor(private readonly limits: RateLimits) {}

  rateOf(role: Role): PublishRate | null {
    if (!(DEVICE_ROLES as readonly string[]).includes(role)) return null;
    const rate = this.limits.rates[role as DeviceRole] ?? DEFAULT_RATES[role as DeviceRole];
    return { perSecond: rate.perSecond * this.limits.scale, burst: rate.burst };
  }

  /**
   * One publish by `username`: pass (a token was there), wait `ms` for the token it reserves, or disconnect (the wait
   * would pass `maxThrottleMs`: not a burst but a flood).
   */
  admit(username: string, role: Role, now: number): Admission {
    const rate = this.rateOf(role);
    if (!rate) return { action: 'pass' };
    let bucket = this.buckets.get(username);
    if (!bucket) {
      bucket = { tokens: rate.burst, at: now };
      this.buckets.set(username, bucket);
    }
    bucket.tokens = Math.min(rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * rate.perSecond);
    bucket.at = now;
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return { action: 'pass' };
    const ms = Math.ceil((-bucket.tokens / rate.perSecond) * 1000);
    if (ms <= this.limits.maxThrottleMs) return { action: 'wait', ms };
    bucket.tokens = 0;
    this.cooling.set(username, now + this.limits.cooldownMs);
    return {
      action: 'disconnect',
      reason: `over ${rate.perSecond}/s (burst ${rate.burst}) for longer than ${this.limits.maxThrottleMs} ms`,
    };
  }

  /** ms left of `username`'s cool-down, or 0. */
  coolingDown(username: string, now: number): number {
    const until = this.cooling.get(username);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.cooling.delete(username);
    return 0;
  }
}
