import { z } from 'zod';
import { Site } from '../site.ts';
import { SourceKind } from './definitions.ts';

const EpochMs = z.number().int();

/** A(t) for one zone as a step function: each step holds until the next (or until `maxHoldMs` after it). */
export const OccupancyStep = z.object({
  at: EpochMs,
  /** Vehicles present from `at` on; null = unknown from here (gateway down, sensor silent). */
  present: z.number().int().nullable(),
});
export type OccupancyStep = z.infer<typeof OccupancyStep>;

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'must be HH:MM (00:00–24:00)' });

/** A local daily window, e.g. 08:00–16:30; `from` after `to` runs past midnight. */
export const DailyWindow = z.object({ from: TimeOfDay, to: TimeOfDay });
export type DailyWindow = z.infer<typeof DailyWindow>;

export const ZoneOccupancy = z.object({
  zone: z.string(),
  /** Sorted by `at`. The last step at or before the period start gives A(start); none = unknown. */
  steps: z.array(OccupancyStep),
  /** Where the readings come from (default `count`): it decides how long a reading holds (#12.1). */
  source: SourceKind.optional(),
  /**
   * How long a reading holds, overriding the source's rule: null for a change log (each step holds until the next, the
   * recorder marks unknown stretches with `present: null`). Printed on the report like the rule it replaces.
   */
  holdMinutes: z.number().positive().nullable().optional(),
  /**
   * An imported feed's sampling interval, and how much later than the interval its readings may be stamped: a reading
   * holds one interval (plus that tolerance) at most.
   */
  feed: z.object({ intervalMinutes: z.number().positive(), toleranceMinutes: z.number().min(0).default(0) }).optional(),
  /**
   * The local daily windows the source is expected to observe (a feed published 08:00–16:30); completeness and gaps
   * are measured against them (#12.2). Absent: all day (sensors and the gate count).
   */
  expected: z.array(DailyWindow).min(1).optional(),
});
export type ZoneOccupancy = z.infer<typeof ZoneOccupancy>;

/** Capacity in force for a zone from `from` until its next version; before the first, the site config's capacity. */
export const CapacityVersion = z.object({
  zone: z.string(),
  from: EpochMs,
  capacity: z.number().int().min(0),
  note: z.string().optional(),
});
export type CapacityVersion = z.infer<typeof CapacityVersion>;

export const UserClass = z.enum(['resident', 'monthly', 'annual', 'visitor', 'staff', 'emergency', 'temporary']);
export type UserClass = z.infer<typeof UserClass>;

export const SessionRecord = z.object({
  id: z.string(),
  zone: z.string().optional(),
  /** For an exit with no entry record, entryAt = exitAt and flags.noEntryRecord = true. */
  entryAt: EpochMs,
  exitAt: EpochMs.nullable(),
  userClass: UserClass,
  vehicleClass: z.string(),
  feeFen: z.number().int().min(0),
  paidFen: z.number().int().min(0),
  flags: z
    .object({
      fuzzy: z.boolean().default(false),
      noEntryRecord: z.boolean().default(false),
      manualOpen: z.boolean().default(false),
      visitorOverstay: z.boolean().default(false),
    })
    .default({ fuzzy: false, noEntryRecord: false, manualOpen: false, visitorOverstay: false }),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

export const GateDecisionRecord = z.object({
  at: EpochMs,
  gate: z.string().optional(),
  lane: z.enum(['entry', 'exit']),
  action: z.enum(['allow', 'deny', 'refer']),
  reason: z.string(),
  userClass: UserClass.optional(),
});
export type GateDecisionRecord = z.infer<typeof GateDecisionRecord>;

/** A sensor offline or `unknown` over [from, to). */
export const SensorDowntime = z.object({ sensor: z.string(), from: EpochMs, to: EpochMs });
export type SensorDowntime = z.infer<typeof SensorDowntime>;

/** The two occupancy figures of a sensor-equipped zone at one instant. */
export const CountDisagreement = z.object({
  at: EpochMs,
  zone: z.string(),
  gateCount: z.number().int(),
  sensorCount: z.number().int(),
});
export type CountDisagreement = z.infer<typeof CountDisagreement>;

export const Facilities = z.object({
  /** Device ids actually installed and working; absent = every device in the site config. */
  installedDevices: z.array(z.string()).optional(),
});
export type Facilities = z.infer<typeof Facilities>;

/**
 * What the data source can measure (#12.5): an imported occupancy feed records no stays, gate decisions, payments or
 * vehicle register, and a figure it cannot measure is null with the reason, never 0. Absent: everything.
 */
export const Measured = z.object({
  sessions: z.boolean(),
  decisions: z.boolean(),
  payments: z.boolean(),
  registry: z.boolean(),
});
export type Measured = z.infer<typeof Measured>;

export const ReportInput = z.object({
  site: Site,
  from: EpochMs,
  to: EpochMs,
  capacityVersions: z.array(CapacityVersion).default([]),
  occupancy: z.array(ZoneOccupancy),
  sessions: z.array(SessionRecord).default([]),
  decisions: z.array(GateDecisionRecord).default([]),
  sensorDowntime: z.array(SensorDowntime).default([]),
  disagreement: z.array(CountDisagreement).default([]),
  /** Defaults to site.households. */
  households: z.number().int().min(0).optional(),
  registeredVehicles: z.number().int().min(0).default(0),
  facilities: Facilities.default({}),
  measured: Measured.optional(),
});
export type ReportInput = z.infer<typeof ReportInput>;
