/**
 * The independent side of the replay test: the Birmingham CSV read with a plain loop (not through
 * simulators/src/replay) and the occupancy indicators of DESIGN §4 computed from it directly.
 */

const MINUTE_MS = 60_000;
const QUARTER_MS = 15 * MINUTE_MS;
const HOUR_MS = 60 * MINUTE_MS;

export interface Reading {
  at: number;
  occupancy: number;
}

export interface CsvPark {
  code: string;
  capacity: number;
  /** Sorted by time, exact duplicate rows dropped, negatives clamped to 0, counts divided by the scale. */
  readings: Reading[];
  duplicatesDropped: number;
}

/** Counts are scaled down by `scale` (rounded) on both sides of the comparison, capacity included. */
export function scaled(count: number, scale: number): number {
  return Math.round(count / scale);
}

/**
 * One car park's readings on the local dates [firstDate, lastDate] (YYYY-MM-DD). The dates must be in GMT
 * (2016-10-30 to 2017-03-26), where UK wall-clock time is UTC, so a reading's time is read as UTC.
 */
export function readCsvPark(text: string, code: string, firstDate: string, lastDate: string, scale = 1): CsvPark {
  if (firstDate < '2016-10-30' || lastDate > '2017-03-25') throw new Error('dates outside GMT need a zone offset');
  const seen = new Set<string>();
  const readings: Reading[] = [];
  let capacity = -1;
  let duplicatesDropped = 0;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.split(',');
    if (fields.length !== 4 || fields[0] !== code) continue;
    const [, cap, occ, stamp] = fields as [string, string, string, string];
    const date = stamp.slice(0, 10);
    if (date < firstDate || date > lastDate) continue;
    if (seen.has(line)) {
      duplicatesDropped++;
      continue;
    }
    seen.add(line);
    capacity = Number(cap);
    readings.push({
      at: Date.parse(`${date}T${stamp.slice(11)}Z`),
      occupancy: scaled(Math.max(0, Number(occ)), scale),
    });
  }
  readings.sort((a, b) => a.at - b.at);
  return { code, capacity: scaled(capacity, scale), readings, duplicatesDropped };
}

/** A(t) = `present` over [from, to); time not covered by any segment is unknown. */
export interface Segment {
  from: number;
  to: number;
  present: number;
}

export interface Figures {
  meanOccupancy: number | null;
  peakOccupancy: number | null;
  saturationHours: number;
  overflowHours: number;
  completeness: number;
  /** Maximal intervals without data. */
  gapCount: number;
}

export interface FigureRules {
  /** Saturation threshold θ. */
  theta: number;
  /** A quarter hour counts for the peak only when this share of it has data. */
  peakMinCoverage: number;
}

/**
 * The indicators over [from, to) from segments sorted by time (quarter hours on the UTC grid, which is the local one
 * in GMT).
 */
export function figures(segments: Segment[], capacity: number, from: number, to: number, rules: FigureRules): Figures {
  const quarters = Math.ceil((to - from) / QUARTER_MS);
  const qKnown = new Array<number>(quarters).fill(0);
  const qRatio = new Array<number>(quarters).fill(0);
  let known = 0;
  let ratioInt = 0;
  let saturated = 0;
  let overflow = 0;
  let gapCount = 0;
  let covered = from;
  for (const seg of segments) {
    let s = Math.max(seg.from, from);
    const end = Math.min(seg.to, to);
    if (end <= s) continue;
    if (s > covered) gapCount++;
    covered = end;
    // Rates capped at capacity; cars beyond it count as overflow (#12.6).
    const ratio = Math.min(seg.present, capacity) / capacity;
    while (s < end) {
      const k = Math.floor((s - from) / QUARTER_MS);
      const e = Math.min(end, from + (k + 1) * QUARTER_MS);
      const dt = e - s;
      known += dt;
      ratioInt += ratio * dt;
      qKnown[k] = (qKnown[k] ?? 0) + dt;
      qRatio[k] = (qRatio[k] ?? 0) + ratio * dt;
      if (ratio >= rules.theta) saturated += dt;
      if (seg.present > capacity) overflow += dt;
      s = e;
    }
  }
  if (covered < to) gapCount++;
  let peak: number | null = null;
  for (let k = 0; k < quarters; k++) {
    const kn = qKnown[k] ?? 0;
    if (kn > 0 && kn >= rules.peakMinCoverage * QUARTER_MS) peak = Math.max(peak ?? 0, (qRatio[k] ?? 0) / kn);
  }
  return {
    meanOccupancy: known > 0 ? ratioInt / known : null,
    peakOccupancy: peak,
    saturationHours: saturated / HOUR_MS,
    overflowHours: overflow / HOUR_MS,
    completeness: known / (to - from),
    gapCount,
  };
}

/** The readings as they are: each held until the next reading or for at most `holdMs`. */
export function rawSegments(readings: Reading[], holdMs: number): Segment[] {
  return readings.map((r, i) => {
    const next = readings[i + 1]?.at ?? Number.POSITIVE_INFINITY;
    return { from: r.at, to: Math.min(next, r.at + holdMs), present: r.occupancy };
  });
}

export interface SamplingRules {
  /** The feed counts as live this long after a reading; the replay records a snapshot each minute while live. */
  liveMs: number;
  /** The system holds a history step this long when no newer one follows (report-source's maxHoldMs). */
  holdMs: number;
}

/**
 * The readings as the system's history sees them, one minute at a time: a snapshot at every minute mark s while the
 * feed is live (the latest reading r at or before s has s − r.at < liveMs) carries r's count; minute t then shows the
 * latest snapshot s ≤ t with t − s < holdMs, else it is unknown.
 */
export function sampledSegments(readings: Reading[], rules: SamplingRules, from: number, to: number): Segment[] {
  const snapshots = new Map<number, number>();
  readings.forEach((r, i) => {
    const until = Math.min(readings[i + 1]?.at ?? Number.POSITIVE_INFINITY, r.at + rules.liveMs);
    for (let s = Math.ceil(r.at / MINUTE_MS) * MINUTE_MS; s < until; s += MINUTE_MS) snapshots.set(s, r.occupancy);
  });
  const out: Segment[] = [];
  for (let t = from; t < to; t += MINUTE_MS) {
    for (let s = t; s > t - rules.holdMs; s -= MINUTE_MS) {
      const present = snapshots.get(s);
      if (present === undefined) continue;
      out.push({ from: t, to: t + MINUTE_MS, present });
      break;
    }
  }
  return out;
}
