import { z } from 'zod';

/** Identifiers travel in MQTT topics, so they can never hold wildcards or separators. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1–64 letters, digits, _ or -');
export type Id = z.infer<typeof Id>;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24 h)');

export const Space = z.strictObject({
  id: Id,
  /** Space sensor device id; a zone whose spaces have sensors counts occupancy from them. */
  sensor: Id.optional(),
  ev: z.boolean().default(false),
  accessible: z.boolean().default(false),
  /** Reserved for one household (固定车位); null for shared spaces. */
  household: z.string().max(64).optional(),
});
export type Space = z.infer<typeof Space>;

export const Zone = z.strictObject({
  id: Id,
  name: z.string().min(1).max(64),
  capacity: z.number().int().min(0),
  spaces: z.array(Space).default([]),
});
export type Zone = z.infer<typeof Zone>;

export const Lane = z.strictObject({
  lane: z.enum(['entry', 'exit']),
  camera: Id,
  barrier: Id,
  display: Id,
  loop: Id.optional(),
  payTerminal: Id.optional(),
  /** Zones this lane leads to (for the zone rule per credential); empty = every zone. */
  zones: z.array(Id).default([]),
});
export type Lane = z.infer<typeof Lane>;

export const Gate = z.strictObject({
  id: Id,
  name: z.string().min(1).max(64),
  lanes: z.array(Lane).min(1),
});
export type Gate = z.infer<typeof Gate>;

export const CredentialKind = z.enum(['resident', 'monthly', 'annual', 'visitor', 'staff', 'emergency', 'temporary']);
export type CredentialKind = z.infer<typeof CredentialKind>;

/** Management rules (停车管理规范): configuration, not code. */
export const Policies = z.strictObject({
  /** A plate already inside: deny, allow (close the stale session as an exception), or refer to staff. */
  antiPassback: z.enum(['deny', 'allow', 'refer']).default('deny'),
  /** Residents and pass holders have reserved spaces, so they enter even when the lot is full. */
  residentsReserved: z.boolean().default(true),
  /** Free spaces kept back from temporary vehicles and visitors (访客预留). */
  visitorReserve: z.number().int().min(0).default(0),
  /** Pre-registered visitors may enter while the lot is full (their space was arranged). */
  visitorsBypassReserve: z.boolean().default(false),
  /** Longest visitor stay before staff are alerted, in minutes. */
  visitorMaxStayMinutes: z.number().int().positive().default(240),
  /** Temporary (unregistered) vehicles are admitted at all. */
  admitTemporary: z.boolean().default(true),
  /** Overnight rule: temporary vehicles may not enter between these local times. */
  overnight: z
    .object({
      denyTemporary: z.boolean().default(false),
      from: ClockTime.default('23:00'),
      to: ClockTime.default('06:00'),
    })
    .default({ denyTemporary: false, from: '23:00', to: '06:00' }),
  /** Exit with no entry record: charge the tariff's no-entry-record fee, or refer to staff. */
  noEntryRecord: z.enum(['fixedFee', 'refer']).default('fixedFee'),
  /** Reads below this confidence are matched fuzzily against the registry and the vehicles inside. */
  fuzzyBelowConfidence: z.number().min(0).max(1).default(0.9),
  /** Zones each credential kind may use; absent = all zones. */
  zonesByCredential: z.partialRecord(CredentialKind, z.array(Id)).default({}),
  /**
   * A read of a car at the lane that admitted it, or let it out, this many seconds before is the same passage seen
   * again (the car still under the camera): the outcome is repeated, nothing new is decided or charged.
   */
  repeatReadSeconds: z.number().int().min(0).max(3600).default(180),
});
export type Policies = z.infer<typeof Policies>;

export const Thresholds = z
  .object({
    /** Occupied share at or above which the site is almostFull. */
    almostFull: z.number().min(0).max(1).default(0.9),
    /** Occupied share at or above which the site is full. */
    full: z.number().min(0).max(1).default(1),
  })
  .refine((t) => t.almostFull <= t.full, { message: 'almostFull must not exceed full', path: ['almostFull'] });
export type Thresholds = z.infer<typeof Thresholds>;

export const Site = z.strictObject({
  id: Id,
  name: z.string().min(1).max(64),
  timeZone: z.string().default('Asia/Shanghai'),
  households: z.number().int().min(0),
  zones: z.array(Zone).min(1),
  gates: z.array(Gate).min(1),
  /** Tariff versions (paths relative to the config file); the one in force is the latest effective. */
  tariffs: z.array(z.string().min(1)).min(1),
  thresholds: Thresholds.default({ almostFull: 0.9, full: 1 }),
  policies: Policies.default(Policies.parse({})),
});
export type Site = z.infer<typeof Site>;

export function siteCapacity(site: Site): number {
  return site.zones.reduce((sum, zone) => sum + zone.capacity, 0);
}
