import { type Site, siteCapacity } from '../site.ts';
import {
  type ApplyResult,
  type Correction,
  type DeviceStatus,
  type GatePassage,
  OccupancyOptions,
  type OccupancyOptionsInput,
  OccupancyState,
  type SensorReading,
  type SiteOccupancy,
  type SiteTrack,
  type SpaceChange,
  type SpaceTrack,
  type SpaceView,
  type StaffCount,
} from './occupancy.schema.ts';
import { overflowLimit, sensoredSpaces, siteFigures } from './occupancy-figures.ts';
import { applyReading, applyStatus, newSpaceTrack, settle, settledAndSure, shownState } from './sensor-tracker.ts';

/** A fault in the caller (not an input to count and drop): carries a stable code. */
export class OccupancyError extends Error {
  constructor(
    readonly code: 'OCCUPANCY_UNKNOWN_SITE',
    message: string,
  ) {
    super(message);
    this.name = 'OccupancyError';
  }
}

interface SiteEntry {
  site: Site;
  track: SiteTrack;
  spaceZone: Map<string, string>;
  spaceBySensor: Map<string, string>;
  sensorBySpace: Map<string, string>;
  fullySensored: boolean;
}

export type PassageResult = { ok: true; gateCount: number; clamped: boolean } | { ok: false; reason: 'unknownSite' };
export type StaffCountResult =
  | { ok: true; correction: Correction }
  | { ok: false; reason: 'unknownSite' | 'unknownZone' | 'zoneHasSensors' | 'zoneNotCountedAlone' };
export type CloseResult = { ok: true } | { ok: false; reason: 'unknownSite' | 'unknownZone' };
export type ImportResult = { ok: true } | { ok: false; reason: string };
export interface TickResult {
  changes: SpaceChange[];
  corrections: Correction[];
}

function newSiteTrack(): SiteTrack {
  return {
    gateCount: 0,
    lastGateAt: null,
    closed: false,
    closedZones: [],
    corrections: [],
    disagreementSince: null,
    outOfOrder: 0,
    clamped: 0,
    spaces: {},
  };
}

/** Occupancy of one or many sites from space sensors and gate counts. Time is always a parameter. */
export class OccupancyEngine {
  readonly options: OccupancyOptions;
  private readonly sites = new Map<string, SiteEntry>();

  constructor(sites: Site[], options: OccupancyOptionsInput = {}) {
    this.options = OccupancyOptions.parse(options);
    for (const site of sites) {
      const spaceZone = new Map<string, string>();
      const spaceBySensor = new Map<string, string>();
      const sensorBySpace = new Map<string, string>();
      for (const zone of site.zones) {
        for (const space of sensoredSpaces(zone)) {
          spaceZone.set(space.id, zone.id);
          spaceBySensor.set(space.sensor, space.id);
          sensorBySpace.set(space.id, space.sensor);
        }
      }
      const fullySensored = site.zones.every((z) => z.capacity > 0 && sensoredSpaces(z).length >= z.capacity);
      this.sites.set(site.id, { site, track: newSiteTrack(), spaceZone, spaceBySensor, sensorBySpace, fullySensored });
    }
  }

  siteIds(): string[] {
    return [...this.sites.keys()];
  }

  applyReading(reading: SensorReading): ApplyResult {
    const entry = this.sites.get(reading.site);
    if (!entry) return { ok: false, reason: 'unknownSite' };
    if (!entry.spaceZone.has(reading.space)) return { ok: false, reason: 'unknownSpace' };
    const current = entry.track.spaces[reading.space] ?? newSpaceTrack();
    const outcome = applyReading(current, reading.occupied, reading.ts, this.options);
    if (!outcome.ok) {
      entry.track.outOfOrder++;
      return outcome;
    }
    return { ok: true, change: this.commitSpace(entry, reading.space, outcome.track, reading.ts) };
  }

  /** Device status and MQTT wills; devices that are not space sensors are refused as `unknownDevice`. */
  applyStatus(status: DeviceStatus): ApplyResult {
    const entry = this.sites.get(status.site);
    if (!entry) return { ok: false, reason: 'unknownSite' };
    const space = entry.spaceBySensor.get(status.device);
    if (space === undefined) return { ok: false, reason: 'unknownDevice' };
    const outcome = applyStatus(entry.track.spaces[space] ?? newSpaceTrack(), status.online, status.ts, this.options);
    if (!outcome.ok) {
      entry.track.outOfOrder++;
      return outcome;
    }
    return { ok: true, change: this.commitSpace(entry, space, outcome.track, status.ts) };
  }

  /** Counts a vehicle through a lane: entries minus exits, clamped to [0, capacity + overflow allowance]. */
  applyPassage(passage: GatePassage): PassageResult {
    const entry = this.sites.get(passage.site);
    if (!entry) return { ok: false, reason: 'unknownSite' };
    const track = entry.track;
    const wanted = track.gateCount + (passage.lane === 'entry' ? 1 : -1);
    const limit = overflowLimit(siteCapacity(entry.site), this.options);
    const count = Math.min(Math.max(wanted, 0), limit);
    const clamped = count !== wanted;
    if (clamped) track.clamped++;
    track.gateCount = count;
    track.lastGateAt = Math.max(track.lastGateAt ?? passage.ts, passage.ts);
    return { ok: true, gateCount: count, clamped };
  }

  /**
   * A staff count replaces the gate count. For a zone it is accepted only where that zone is the site's one zone
   * without sensors (gate counts are per site, so only then does a zone count fix the site count).
   */
  staffCount(input: StaffCount): StaffCountResult {
    const entry = this.sites.get(input.site);
    if (!entry) return { ok: false, reason: 'unknownSite' };
    const limit = overflowLimit(siteCapacity(entry.site), this.options);
    if (input.zone === undefined) {
      const after = Math.min(input.count, limit);
      const before = entry.track.gateCount;
      const correction = {
        at: input.at,
        site: input.site,
        zone: null,
        before,
        after,
        source: 'staff',
        by: input.by,
      } as const;
      return { ok: true, correction: this.correct(entry, correction, after) };
    }
    const zone = entry.site.zones.find((z) => z.id === input.zone);
    if (!zone) return { ok: false, reason: 'unknownZone' };
    if (sensoredSpaces(zone).length > 0) return { ok: false, reason: 'zoneHasSensors' };
    const gateZones = entry.site.zones.filter((z) => sensoredSpaces(z).length === 0);
    if (gateZones.length !== 1) return { ok: false, reason: 'zoneNotCountedAlone' };
    const figures = siteFigures(entry.site, entry.track, input.at, this.options);
    const before = figures.zones.find((z) => z.id === zone.id)?.occupied ?? 0;
    const correction = {
      at: input.at,
      site: input.site,
      zone: zone.id,
      before,
      after: input.count,
      source: 'staff',
      by: input.by,
    } as const;
    return {
      ok: true,
      correction: this.correct(entry, correction, Math.min(input.count + (figures.sensor?.occupied ?? 0), limit)),
    };
  }

  /** Staff close or reopen a site (zone null) or one zone; a closed one shows status `closed`. */
  setClosed(siteId: string, zone: string | null, closed: boolean): CloseResult {
    const entry = this.sites.get(siteId);
    if (!entry) return { ok: false, reason: 'unknownSite' };
    if (zone === null) {
      entry.track.closed = closed;
      return { ok: true };
    }
    if (!entry.site.zones.some((z) => z.id === zone)) return { ok: false, reason: 'unknownZone' };
    const others = entry.track.closedZones.filter((z) => z !== zone);
    entry.track.closedZones = closed ? [...others, zone] : others;
    return { ok: true };
  }

  /** Applies what time alone changes: debounce, end of flapping, silent sensors, drift correction from sensors. */
  tick(at: number): TickResult {
    const result: TickResult = { changes: [], corrections: [] };
    for (const entry of this.sites.values()) {
      for (const [space, track] of Object.entries(entry.track.spaces)) {
        const change = this.commitSpace(entry, space, settle(track, at, this.options), at);
        if (change) result.changes.push(change);
      }
      const correction = this.reconcileFromSensors(entry, at);
      if (correction) result.corrections.push(correction);
    }
    return result;
  }

  snapshot(siteId: string, at: number): SiteOccupancy {
    const entry = this.entry(siteId);
    return siteFigures(entry.site, entry.track, at, this.options);
  }

  snapshots(at: number): SiteOccupancy[] {
    return this.siteIds().map((id) => this.snapshot(id, at));
  }

  /** The space map: every space with a sensor and its shown state. */
  spaces(siteId: string, at: number): SpaceView[] {
    const entry = this.entry(siteId);
    return [...entry.spaceZone].map(([space, zone]) => {
      const track = settle(entry.track.spaces[space] ?? newSpaceTrack(), at, this.options);
      return {
        id: space,
        zone,
        sensor: entry.sensorBySpace.get(space) ?? '',
        state: shownState(track, at, this.options),
        flapping: track.flapping,
        lastSeen: track.lastSeen,
      };
    });
  }

  corrections(siteId: string): Correction[] {
    return [...this.entry(siteId).track.corrections];
  }

  exportState(): OccupancyState {
    const sites: OccupancyState['sites'] = {};
    for (const [id, entry] of this.sites) sites[id] = structuredClone(entry.track);
    return { version: 1, sites };
  }

  /** Restores exported state; sites and spaces no longer configured are dropped. */
  importState(input: unknown): ImportResult {
    const parsed = OccupancyState.safeParse(input);
    if (!parsed.success) return { ok: false, reason: parsed.error.message };
    for (const [id, track] of Object.entries(parsed.data.sites)) {
      const entry = this.sites.get(id);
      if (!entry) continue;
      const spaces = Object.fromEntries(Object.entries(track.spaces).filter(([space]) => entry.spaceZone.has(space)));
      const zoneIds = new Set(entry.site.zones.map((z) => z.id));
      entry.track = { ...track, spaces, closedZones: track.closedZones.filter((z) => zoneIds.has(z)) };
    }
    return { ok: true };
  }

  private entry(siteId: string): SiteEntry {
    const entry = this.sites.get(siteId);
    if (!entry) throw new OccupancyError('OCCUPANCY_UNKNOWN_SITE', `unknown site: ${siteId}`);
    return entry;
  }

  private commitSpace(entry: SiteEntry, space: string, track: SpaceTrack, at: number): SpaceChange | null {
    const state = shownState(track, at, this.options);
    const changed = state !== track.reported || track.flapping !== track.reportedFlapping;
    const from = track.reported;
    entry.track.spaces[space] = { ...track, reported: state, reportedFlapping: track.flapping };
    if (!changed) return null;
    const zone = entry.spaceZone.get(space) ?? '';
    return { site: entry.site.id, space, zone, at, from, to: state, flapping: track.flapping };
  }

  private reconcileFromSensors(entry: SiteEntry, at: number): Correction | null {
    const track = entry.track;
    if (!entry.fullySensored) return null;
    const sure = [...entry.spaceZone.keys()].every((space) => {
      const t = track.spaces[space];
      return t !== undefined && settledAndSure(settle(t, at, this.options), at, this.options);
    });
    const figures = siteFigures(entry.site, track, at, this.options);
    const sensorOccupied = figures.sensor?.occupied ?? 0;
    if (!sure || track.gateCount === sensorOccupied) {
      track.disagreementSince = null;
      return null;
    }
    if (track.disagreementSince === null) {
      track.disagreementSince = at;
      return null;
    }
    if (at - track.disagreementSince < this.options.sensorReconcileAfterMs) return null;
    const correction = { at, site: entry.site.id, zone: null, before: track.gateCount, after: sensorOccupied } as const;
    return this.correct(entry, { ...correction, source: 'sensor', by: 'sensors' }, sensorOccupied);
  }

  private correct(entry: SiteEntry, correction: Correction, gateCount: number): Correction {
    const track = entry.track;
    track.gateCount = gateCount;
    track.disagreementSince = null;
    track.corrections = [...track.corrections, correction].slice(-this.options.keepCorrections);
    return correction;
  }
}
