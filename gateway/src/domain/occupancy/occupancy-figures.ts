import type { Site, Thresholds, Zone } from '../site.ts';
import type {
  OccupancyOptions,
  OccupancyStatus,
  SensorFigures,
  SiteOccupancy,
  SiteTrack,
  ZoneOccupancy,
} from './occupancy.schema.ts';
import { newSpaceTrack, settle, shownState } from './sensor-tracker.ts';

export function sensoredSpaces(zone: Zone): { id: string; sensor: string }[] {
  return zone.spaces.flatMap((s) => (s.sensor ? [{ id: s.id, sensor: s.sensor }] : []));
}

export function overflowLimit(capacity: number, options: OccupancyOptions): number {
  return capacity + Math.ceil(capacity * options.overflowShare);
}

export function statusOf(capacity: number, free: number, closed: boolean, thresholds: Thresholds): OccupancyStatus {
  if (closed) return 'closed';
  if (capacity === 0) return 'full';
  const share = (capacity - free) / capacity;
  if (share >= thresholds.full) return 'full';
  if (share >= thresholds.almostFull) return 'almostFull';
  return 'open';
}

/** Splits `total` over `weights` in proportion, in integers that add up to `total` (largest remainder, ties by order). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return shares;
}

function addFigures(a: SensorFigures, b: SensorFigures): SensorFigures {
  return {
    covered: a.covered + b.covered,
    occupied: a.occupied + b.occupied,
    free: a.free + b.free,
    unknown: a.unknown + b.unknown,
    offline: a.offline + b.offline,
    flapping: a.flapping + b.flapping,
  };
}

interface ZoneSensorResult {
  figures: SensorFigures;
  lastSeen: number[];
}

function zoneSensorFigures(zone: Zone, track: SiteTrack, at: number, options: OccupancyOptions): ZoneSensorResult {
  const figures: SensorFigures = { covered: 0, occupied: 0, free: 0, unknown: 0, offline: 0, flapping: 0 };
  const lastSeen: number[] = [];
  for (const space of sensoredSpaces(zone)) {
    const t = settle(track.spaces[space.id] ?? newSpaceTrack(), at, options);
    const state = shownState(t, at, options);
    figures.covered++;
    figures[state]++;
    if (t.flapping) figures.flapping++;
    if ((state === 'free' || state === 'occupied') && t.lastSeen !== null) lastSeen.push(t.lastSeen);
  }
  return { figures, lastSeen };
}

/**
 * The site's figures at `at`. Zones with sensors count from them; spaces whose state is unknown or offline, and
 * capacity without a sensor, are `unknown` and never offered as free. Zones without sensors share what the gate count
 * leaves after the sensored zones' occupied spaces, in proportion to their capacity.
 */
export function siteFigures(site: Site, track: SiteTrack, at: number, options: OccupancyOptions): SiteOccupancy {
  const sensorResults = new Map<string, ZoneSensorResult>();
  for (const zone of site.zones) {
    if (sensoredSpaces(zone).length > 0) sensorResults.set(zone.id, zoneSensorFigures(zone, track, at, options));
  }
  const gateZones = site.zones.filter((z) => !sensorResults.has(z.id));
  const sensorOccupied = [...sensorResults.values()].reduce((sum, r) => sum + r.figures.occupied, 0);
  const gateCapacity = gateZones.reduce((sum, z) => sum + z.capacity, 0);
  const leftForGateZones = Math.min(
    Math.max(0, track.gateCount - sensorOccupied),
    overflowLimit(gateCapacity, options),
  );
  const gateShares = apportion(
    leftForGateZones,
    gateZones.map((z) => z.capacity),
  );

  const zones: ZoneOccupancy[] = site.zones.map(function zoneFigures(zone): ZoneOccupancy {
    const closed = track.closed || track.closedZones.includes(zone.id);
    const sensor = sensorResults.get(zone.id);
    if (sensor) {
      const f = sensor.figures;
      const unknown = Math.min(zone.capacity, f.unknown + f.offline + Math.max(0, zone.capacity - f.covered));
      const free = Math.max(0, zone.capacity - f.occupied - unknown);
      const status = statusOf(zone.capacity, free, closed, site.thresholds);
      return {
        id: zone.id,
        name: zone.name,
        capacity: zone.capacity,
        occupied: f.occupied,
        free,
        unknown,
        status,
        closed,
        source: 'sensor',
        sensor: f,
      };
    }
    const occupied = gateShares[gateZones.indexOf(zone)] ?? 0;
    const free = Math.max(0, zone.capacity - occupied);
    const status = statusOf(zone.capacity, free, closed, site.thresholds);
    return {
      id: zone.id,
      name: zone.name,
      capacity: zone.capacity,
      occupied,
      free,
      unknown: 0,
      status,
      closed,
      source: 'gate',
      sensor: null,
    };
  });

  const capacity = zones.reduce((sum, z) => sum + z.capacity, 0);
  const occupied = zones.reduce((sum, z) => sum + z.occupied, 0);
  const free = zones.reduce((sum, z) => sum + z.free, 0);
  const unknown = zones.reduce((sum, z) => sum + z.unknown, 0);
  const sensor =
    sensorResults.size === 0
      ? null
      : [...sensorResults.values()].map((r) => r.figures).reduce((a, b) => addFigures(a, b));

  const inputs = [...sensorResults.values()].flatMap((r) => r.lastSeen);
  if (gateZones.length > 0 && track.lastGateAt !== null) inputs.push(track.lastGateAt);
  const oldestInputAt = inputs.length === 0 ? null : inputs.reduce((a, b) => Math.min(a, b));

  return {
    site: site.id,
    ts: at,
    capacity,
    occupied,
    free,
    unknown,
    status: statusOf(capacity, free, track.closed, site.thresholds),
    closed: track.closed,
    zones,
    gateCount: track.gateCount,
    disagreement: track.gateCount - occupied,
    sensor,
    freshness: {
      ts: at,
      oldestInputAt,
      oldestInputAgeMs: oldestInputAt === null ? 0 : Math.max(0, at - oldestInputAt),
    },
    counters: { outOfOrder: track.outOfOrder, clamped: track.clamped },
  };
}
