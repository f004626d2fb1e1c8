import type { OccupancyOptions, SpaceState, SpaceTrack } from './occupancy.schema.ts';

export function newSpaceTrack(): SpaceTrack {
  return {
    stable: null,
    raw: null,
    rawSince: null,
    lastTs: null,
    lastSeen: null,
    changes: [],
    flapping: false,
    online: true,
    statusTs: null,
    reported: null,
    reportedFlapping: false,
  };
}

function silent(track: SpaceTrack, at: number, options: OccupancyOptions): boolean {
  return track.lastSeen === null || at - track.lastSeen > options.heartbeatTimeoutMs;
}

/** The track as it stands at `at`: flapping ended and pending states promoted once they have held long enough. */
export function settle(track: SpaceTrack, at: number, options: OccupancyOptions): SpaceTrack {
  if (track.raw === null || track.rawSince === null) return track;
  const held = at - track.rawSince;
  if (track.flapping) {
    if (held < options.flapping.windowMs) return track;
    return { ...track, flapping: false, changes: [], stable: track.raw };
  }
  if (track.raw !== track.stable && held >= options.debounceMs) return { ...track, stable: track.raw };
  return track;
}

/** The state shown for the space at `at` (call on a settled track). */
export function shownState(track: SpaceTrack, at: number, options: OccupancyOptions): SpaceState {
  if (!track.online) return 'offline';
  if (track.stable === null || silent(track, at, options)) return 'unknown';
  return track.stable ? 'occupied' : 'free';
}

/** Whether the sensor's figure can be trusted right now (used before correcting gate counts from sensors). */
export function settledAndSure(track: SpaceTrack, at: number, options: OccupancyOptions): boolean {
  return shownState(track, at, options) !== 'unknown' && track.online && !track.flapping && track.raw === track.stable;
}

export type ReadingOutcome = { ok: true; track: SpaceTrack } | { ok: false; reason: 'outOfOrder' };

export function applyReading(
  current: SpaceTrack,
  occupied: boolean,
  ts: number,
  options: OccupancyOptions,
): ReadingOutcome {
  if (current.lastTs !== null && ts < current.lastTs) return { ok: false, reason: 'outOfOrder' };
  const before = settle(current, ts, options);
  const wasSilent = silent(before, ts, options);
  const track: SpaceTrack = { ...before, lastTs: ts, lastSeen: Math.max(before.lastSeen ?? ts, ts) };
  // A reading newer than the last status proves the device is back online.
  if (!track.online && (track.statusTs === null || ts > track.statusTs)) {
    track.online = true;
    track.statusTs = ts;
  }
  if (track.raw !== occupied) {
    const windowStart = ts - options.flapping.windowMs;
    // Only the last maxChanges + 1 can tell whether more than maxChanges fell in the window: keeping more made every
    // reading of a flooding sensor copy (and store) all its changes, the gateway's drain falling as the flood went on.
    const changes =
      track.raw === null
        ? []
        : [...track.changes.filter((t) => t >= windowStart), ts].slice(-(options.flapping.maxChanges + 1));
    track.raw = occupied;
    track.rawSince = ts;
    track.changes = changes;
    if (changes.length > options.flapping.maxChanges) track.flapping = true;
  }
  // Nothing to debounce against: the first reading, or the first after silence, counts at once.
  if (!track.flapping && (wasSilent || track.stable === null)) track.stable = occupied;
  return { ok: true, track: settle(track, ts, options) };
}

export type StatusOutcome = { ok: true; track: SpaceTrack } | { ok: false; reason: 'outOfOrder' };

export function applyStatus(
  current: SpaceTrack,
  online: boolean,
  ts: number,
  options: OccupancyOptions,
): StatusOutcome {
  if (current.statusTs !== null && ts < current.statusTs) return { ok: false, reason: 'outOfOrder' };
  const track: SpaceTrack = { ...settle(current, ts, options), online, statusTs: ts };
  // Online and not yet silent counts as a heartbeat (sensors report on change); after silence only a reading counts.
  if (online && track.stable !== null && !silent(track, ts, options)) {
    track.lastSeen = Math.max(track.lastSeen ?? ts, ts);
  }
  return { ok: true, track };
}
