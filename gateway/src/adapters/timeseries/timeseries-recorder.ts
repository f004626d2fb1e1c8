import { z } from 'zod';
import type { Correction, GatePassage, SiteOccupancy, SpaceChange } from '../../domain/occupancy/index.ts';
import { int, type SeriesPoint } from './series-point.ts';

/** Where points go: the outbox (InfluxDB configured) or the local store. Appends are synchronous and durable. */
export interface PointSink {
  append(points: readonly SeriesPoint[]): void;
}

const EpochMs = z.int().min(0);

export const GateDecisionRecord = z.object({
  site: z.string(),
  gate: z.string(),
  lane: z.enum(['entry', 'exit']),
  decision: z.enum(['allow', 'deny', 'refer']),
  /** Reason code of the decision (low cardinality by design). */
  reason: z.string(),
  /** Credential kind or user class (resident, visitor, temporary…). */
  class: z.string().optional(),
  vehicleClass: z.string().optional(),
  latencyMs: z.number().min(0).optional(),
  fuzzy: z.boolean().optional(),
  feeFen: z.int().min(0).optional(),
  ts: EpochMs,
});
export type GateDecisionRecord = z.infer<typeof GateDecisionRecord>;

export const DeviceHealthRecord = z.object({
  site: z.string(),
  device: z.string(),
  /** camera, barrier, loop, sensor, display, terminal… */
  kind: z.string(),
  online: z.boolean(),
  battery: z.number().optional(),
  signal: z.number().optional(),
  firmware: z.string().optional(),
  ts: EpochMs,
});
export type DeviceHealthRecord = z.infer<typeof DeviceHealthRecord>;

export const RevenueRecord = z.object({
  site: z.string(),
  amountFen: z.int(),
  userClass: z.string(),
  vehicleClass: z.string(),
  method: z.string(),
  ts: EpochMs,
});
export type RevenueRecord = z.infer<typeof RevenueRecord>;

/** Turns domain events into points (schema in docs/timeseries.md) and hands them to its sinks. */
export class TimeSeriesRecorder {
  constructor(private readonly sinks: readonly PointSink[]) {}

  /** One `occupancy` point for the site (no zone tag) and one per zone. */
  occupancy(s: SiteOccupancy): void {
    const site: SeriesPoint = {
      measurement: 'occupancy',
      tags: { site: s.site, scope: 'site', status: s.status },
      fields: {
        capacity: int(s.capacity),
        occupied: int(s.occupied),
        free: int(s.free),
        unknown: int(s.unknown),
        ratio: s.capacity > 0 ? s.occupied / s.capacity : 0,
        gate_count: int(s.gateCount),
        disagreement: int(s.disagreement),
        oldest_input_age_ms: int(s.freshness.oldestInputAgeMs),
      },
      ts: s.ts,
    };
    const zones = s.zones.map(
      (z): SeriesPoint => ({
        measurement: 'occupancy',
        tags: { site: s.site, scope: 'zone', zone: z.id, source: z.source, status: z.status },
        fields: {
          capacity: int(z.capacity),
          occupied: int(z.occupied),
          free: int(z.free),
          unknown: int(z.unknown),
          ratio: z.capacity > 0 ? z.occupied / z.capacity : 0,
        },
        ts: s.ts,
      }),
    );
    this.emit([site, ...zones]);
  }

  spaceChange(c: SpaceChange): void {
    this.emit([
      {
        measurement: 'space_state',
        tags: { site: c.site, zone: c.zone, space: c.space, state: c.to },
        fields: { occupied: int(c.to === 'occupied' ? 1 : 0), flapping: c.flapping },
        ts: c.at,
      },
    ]);
  }

  gatePassage(p: GatePassage): void {
    this.emit([
      {
        measurement: 'gate_passage',
        tags: { site: p.site, gate: p.gate, lane: p.lane },
        fields: { count: int(1) },
        ts: p.ts,
      },
    ]);
  }

  gateDecision(d: GateDecisionRecord): void {
    this.emit([
      {
        measurement: 'gate_decision',
        tags: {
          site: d.site,
          gate: d.gate,
          lane: d.lane,
          decision: d.decision,
          reason: d.reason,
          class: d.class,
          vehicle_class: d.vehicleClass,
        },
        fields: {
          count: int(1),
          latency_ms: d.latencyMs,
          fuzzy: d.fuzzy,
          fee_fen: d.feeFen === undefined ? undefined : int(d.feeFen),
        },
        ts: d.ts,
      },
    ]);
  }

  deviceHealth(h: DeviceHealthRecord): void {
    this.emit([
      {
        measurement: 'device_health',
        tags: { site: h.site, kind: h.kind, device: h.device },
        fields: { online: h.online, battery: h.battery, signal: h.signal, firmware: h.firmware },
        ts: h.ts,
      },
    ]);
  }

  revenue(r: RevenueRecord): void {
    this.emit([
      {
        measurement: 'revenue',
        tags: { site: r.site, user_class: r.userClass, vehicle_class: r.vehicleClass, method: r.method },
        fields: { amount_fen: int(r.amountFen), count: int(1) },
        ts: r.ts,
      },
    ]);
  }

  correction(c: Correction): void {
    this.emit([
      {
        measurement: 'occupancy_correction',
        tags: { site: c.site, zone: c.zone ?? undefined, source: c.source },
        fields: { before: int(c.before), after: int(c.after), by: c.by },
        ts: c.at,
      },
    ]);
  }

  /** Any other points, for series this recorder does not know yet. */
  points(points: readonly SeriesPoint[]): void {
    this.emit(points);
  }

  private emit(points: readonly SeriesPoint[]): void {
    for (const sink of this.sinks) sink.append(points);
  }
}
