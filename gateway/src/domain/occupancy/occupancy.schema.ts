import { z } from 'zod';

const Ms = z.int().min(0);
const EpochMs = z.int().min(0);
const Count = z.int().min(0);

/** Tuning of the occupancy engine; every field has a default. */
export const OccupancyOptions = z.object({
  /** A sensor state counts only after it has held this long (the first reading, or one after silence, counts at once). */
  debounceMs: Ms.default(10_000),
  /** More than `maxChanges` raw changes within `windowMs` marks a sensor flapping; it ends once a state holds `windowMs`. */
  flapping: z
    .object({ maxChanges: z.int().min(1).default(6), windowMs: Ms.default(120_000) })
    .default({ maxChanges: 6, windowMs: 120_000 }),
  /** A sensor silent for longer than this is `unknown` until its next message. */
  heartbeatTimeoutMs: Ms.default(15 * 60_000),
  /** Gate counts may exceed capacity by this share of it (cars parked outside marked spaces). */
  overflowShare: z.number().min(0).max(1).default(0.1),
  /** On a fully sensored site, a gate-count vs sensor disagreement that lasts this long is corrected from the sensors. */
  sensorReconcileAfterMs: Ms.default(10 * 60_000),
  /** Corrections kept per site for display. */
  keepCorrections: z.int().min(0).default(100),
});
export type OccupancyOptions = z.infer<typeof OccupancyOptions>;
export type OccupancyOptionsInput = z.input<typeof OccupancyOptions>;

export const SpaceState = z.enum(['free', 'occupied', 'unknown', 'offline']);
export type SpaceState = z.infer<typeof SpaceState>;

export const OccupancyStatus = z.enum(['open', 'almostFull', 'full', 'closed']);
export type OccupancyStatus = z.infer<typeof OccupancyStatus>;

/** A space sensor report (`{root}/{site}/space/{space}/state`), with its device time. */
export const SensorReading = z.object({ site: z.string(), space: z.string(), occupied: z.boolean(), ts: EpochMs });
export type SensorReading = z.infer<typeof SensorReading>;

/** A device status (`{root}/{site}/device/{device}/status`, also the MQTT will that says offline). */
export const DeviceStatus = z.object({ site: z.string(), device: z.string(), online: z.boolean(), ts: EpochMs });
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** A vehicle that really went through a lane (loop `passed`, or the barrier cycle the caller trusts). */
export const GatePassage = z.object({
  site: z.string(),
  gate: z.string().optional(),
  lane: z.enum(['entry', 'exit']),
  ts: EpochMs,
});
export type GatePassage = z.infer<typeof GatePassage>;

/** A count of vehicles made by staff, for the site or for one zone without sensors. */
export const StaffCount = z.object({
  site: z.string(),
  zone: z.string().optional(),
  count: Count,
  by: z.string().min(1),
  at: EpochMs,
});
export type StaffCount = z.infer<typeof StaffCount>;

export const Correction = z.object({
  at: EpochMs,
  site: z.string(),
  zone: z.string().nullable(),
  before: Count,
  after: Count,
  source: z.enum(['sensor', 'staff']),
  by: z.string(),
});
export type Correction = z.infer<typeof Correction>;

/** One space on the dashboard's space map. */
export const SpaceView = z.object({
  id: z.string(),
  zone: z.string(),
  sensor: z.string(),
  state: SpaceState,
  flapping: z.boolean(),
  /** Device time of the sensor's last message; null if never heard. */
  lastSeen: EpochMs.nullable(),
});
export type SpaceView = z.infer<typeof SpaceView>;

/** A space whose shown state changed (for the time series and the live stream). */
export const SpaceChange = z.object({
  site: z.string(),
  space: z.string(),
  zone: z.string(),
  at: EpochMs,
  from: SpaceState.nullable(),
  to: SpaceState,
  flapping: z.boolean(),
});
export type SpaceChange = z.infer<typeof SpaceChange>;

export const SensorFigures = z.object({
  /** Capacity covered by sensors (spaces with a sensor). */
  covered: Count,
  occupied: Count,
  free: Count,
  unknown: Count,
  offline: Count,
  flapping: Count,
});
export type SensorFigures = z.infer<typeof SensorFigures>;

export const ZoneOccupancy = z.object({
  id: z.string(),
  name: z.string(),
  capacity: Count,
  occupied: Count,
  free: Count,
  /** Capacity whose state is not known (unknown or offline sensors, capacity without a sensor); never offered as free. */
  unknown: Count,
  status: OccupancyStatus,
  closed: z.boolean(),
  source: z.enum(['sensor', 'gate']),
  /** The sensor figures where the zone has sensors. */
  sensor: SensorFigures.nullable(),
});
export type ZoneOccupancy = z.infer<typeof ZoneOccupancy>;

/** What the retained occupancy topic, the gate displays ("余位 23") and the entry decision use. */
export const SiteOccupancy = z.object({
  site: z.string(),
  ts: EpochMs,
  capacity: Count,
  occupied: Count,
  free: Count,
  unknown: Count,
  status: OccupancyStatus,
  closed: z.boolean(),
  zones: z.array(ZoneOccupancy),
  /** The site's gate count: entries minus exits, clamped, with corrections applied. */
  gateCount: Count,
  /** Gate count minus the published `occupied`: on a fully sensored site, gate vs sensors. */
  disagreement: z.int(),
  sensor: SensorFigures.nullable(),
  freshness: z.object({
    ts: EpochMs,
    oldestInputAt: EpochMs.nullable(),
    oldestInputAgeMs: Ms,
  }),
  counters: z.object({ outOfOrder: Count, clamped: Count }),
});
export type SiteOccupancy = z.infer<typeof SiteOccupancy>;

/** What `apply*` returns: expected refusals are values. */
export type ApplyResult =
  | { ok: true; change: SpaceChange | null }
  | { ok: false; reason: 'unknownSite' | 'unknownSpace' | 'unknownDevice' | 'outOfOrder' };

export const SpaceTrack = z.object({
  stable: z.boolean().nullable(),
  raw: z.boolean().nullable(),
  rawSince: EpochMs.nullable(),
  lastTs: EpochMs.nullable(),
  lastSeen: EpochMs.nullable(),
  changes: z.array(EpochMs),
  flapping: z.boolean(),
  online: z.boolean(),
  statusTs: EpochMs.nullable(),
  reported: SpaceState.nullable(),
  reportedFlapping: z.boolean(),
});
export type SpaceTrack = z.infer<typeof SpaceTrack>;

export const SiteTrack = z.object({
  gateCount: Count,
  lastGateAt: EpochMs.nullable(),
  closed: z.boolean(),
  closedZones: z.array(z.string()),
  corrections: z.array(Correction),
  disagreementSince: EpochMs.nullable(),
  outOfOrder: Count,
  clamped: Count,
  spaces: z.record(z.string(), SpaceTrack),
});
export type SiteTrack = z.infer<typeof SiteTrack>;

/** The engine's whole state, as JSON, for the gateway to persist and restore after a restart. */
export const OccupancyState = z.object({ version: z.literal(1), sites: z.record(z.string(), SiteTrack) });
export type OccupancyState = z.infer<typeof OccupancyState>;
