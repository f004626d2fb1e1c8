import type { IndicatorParameters } from './definitions.ts';
import type { DayFigures, OccupancyFigures } from './indicator-result.ts';
import { DAY_MS, HOUR_MS, type OffsetTimeline } from './local-time.ts';
import { capacityIntegral, gaps, type Piecewise } from './occupancy-series.ts';

const QUARTER_MS = 15 * 60_000;

/**
 * Exact integrals of a step function cut at local quarter hours. Quarter boundaries are taken on the UTC grid, which
 * is the local grid for every zone whose offset is a multiple of 15 minutes (all current IANA zones).
 */
interface Quarters {
  q0: number;
  /** Part of each quarter inside the period. */
  len: Float64Array;
  /** Time with data and C > 0 (the ratio's denominator). */
  ratioTime: Float64Array;
  /** ∫ A/C dt. */
  ratioInt: Float64Array;
  /** Time with data (including closed zones). */
  known: Float64Array;
  /** Time the source was expected to observe, and the part of it with data (#12.2). */
  expected: Float64Array;
  knownExpected: Float64Array;
  saturated: Float64Array;
  overflow: Float64Array;
  /** The most vehicles above capacity at any instant with data. */
  maxOverflow: number;
}

function accumulate(p: Piecewise, theta: number): Quarters {
  const q0 = Math.floor(p.from / QUARTER_MS) * QUARTER_MS;
  const n = Math.max(1, Math.ceil((p.to - q0) / QUARTER_MS));
  const q: Quarters = {
    q0,
    len: new Float64Array(n),
    ratioTime: new Float64Array(n),
    ratioInt: new Float64Array(n),
    known: new Float64Array(n),
    expected: new Float64Array(n),
    knownExpected: new Float64Array(n),
    saturated: new Float64Array(n),
    overflow: new Float64Array(n),
    maxOverflow: 0,
  };
  for (let k = 0; k < n; k++) {
    q.len[k] = Math.min(p.to, q0 + (k + 1) * QUARTER_MS) - Math.max(p.from, q0 + k * QUARTER_MS);
  }
  for (let i = 0; i < p.t.length; i++) {
    const a = p.a[i]!;
    const end = p.t[i + 1] ?? p.to;
    const expected = p.e[i] === 1;
    if (expected) spread(q, p.t[i]!, end, q.expected);
    if (Number.isNaN(a)) continue;
    if (expected) spread(q, p.t[i]!, end, q.knownExpected);
    const c = p.c[i]!;
    // Rates are capped at capacity (#12.6): cars beyond the marked spaces count in the overflow figures, not as
    // occupancy above 100%.
    const ratio = c > 0 ? Math.min(a, c) / c : Number.NaN;
    const saturated = c > 0 && ratio >= theta;
    const overflow = a > c;
    if (overflow && a - c > q.maxOverflow) q.maxOverflow = a - c;
    let s = p.t[i]!;
    while (s < end) {
      const k = Math.floor((s - q0) / QUARTER_MS);
      const e = Math.min(end, q0 + (k + 1) * QUARTER_MS);
      const dt = e - s;
      q.known[k]! += dt;
      if (c > 0) {
        q.ratioTime[k]! += dt;
        q.ratioInt[k]! += ratio * dt;
      }
      if (saturated) q.saturated[k]! += dt;
      if (overflow) q.overflow[k]! += dt;
      s = e;
    }
  }
  return q;
}

/** Adds the time of [s, end) to `into`, quarter by quarter. */
function spread(q: Quarters, from: number, end: number, into: Float64Array): void {
  let s = from;
  while (s < end) {
    const k = Math.floor((s - q.q0) / QUARTER_MS);
    const e = Math.min(end, q.q0 + (k + 1) * QUARTER_MS);
    into[k]! += e - s;
    s = e;
  }
}

/**
 * The level the site is at or above for (1 − p) of its observed quarter hours: the p-th percentile (nearest rank) of
 * the 15-minute means (#12.4). One full quarter cannot move it; a full share of the day does.
 */
export function sustainedLevel(means: readonly number[], p: number): number | null {
  if (means.length === 0) return null;
  const sorted = [...means].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

function ratioOrNull(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

interface Totals {
  ratioInt: number;
  ratioTime: number;
  known: number;
  expected: number;
  knownExpected: number;
  len: number;
  saturated: number;
  overflow: number;
  peak: number | null;
  peakAt: number | null;
  /** Means of the quarters with enough data, for the sustained level (#12.4). */
  means: number[];
}

function emptyTotals(): Totals {
  return {
    ratioInt: 0,
    ratioTime: 0,
    known: 0,
    expected: 0,
    knownExpected: 0,
    len: 0,
    saturated: 0,
    overflow: 0,
    peak: null,
    peakAt: null,
    means: [],
  };
}

function addQuarter(t: Totals, q: Quarters, k: number, minCoverage: number): void {
  t.ratioInt += q.ratioInt[k]!;
  t.ratioTime += q.ratioTime[k]!;
  t.known += q.known[k]!;
  t.expected += q.expected[k]!;
  t.knownExpected += q.knownExpected[k]!;
  t.len += q.len[k]!;
  t.saturated += q.saturated[k]!;
  t.overflow += q.overflow[k]!;
  const len = q.len[k]!;
  if (len > 0 && q.ratioTime[k]! >= minCoverage * len) {
    const mean = q.ratioInt[k]! / q.ratioTime[k]!;
    t.means.push(mean);
    if (t.peak === null || mean > t.peak) {
      t.peak = mean;
      t.peakAt = q.q0 + k * QUARTER_MS;
    }
  }
}

export function occupancyFigures(
  p: Piecewise,
  offsets: OffsetTimeline,
  params: IndicatorParameters,
  withDetail: boolean,
): OccupancyFigures {
  const q = accumulate(p, params.saturationThreshold);
  const all = emptyTotals();
  const night = emptyTotals();
  const profileInt = new Float64Array(24);
  const profileTime = new Float64Array(24);
  const heatSat = new Float64Array(7 * 24);
  const heatTime = new Float64Array(7 * 24);
  const days: DayFigures[] = [];
  let day: Totals | null = null;
  let dayNumber = Number.NaN;
  let dayStart = 0;
  const flushDay = (): void => {
    if (!day) return;
    days.push({
      date: new Date(dayNumber * DAY_MS).toISOString().slice(0, 10),
      start: dayStart,
      meanOccupancy: ratioOrNull(day.ratioInt, day.ratioTime),
      peakOccupancy: day.peak,
      sustainedOccupancy: sustainedLevel(day.means, params.sustainedPercentile),
      saturationHours: day.saturated / HOUR_MS,
      overflowHours: day.overflow / HOUR_MS,
      completeness: ratioOrNull(day.knownExpected, day.expected) ?? 0,
    });
  };
  for (let k = 0; k < q.len.length; k++) {
    const start = q.q0 + k * QUARTER_MS;
    const wall = start + offsets.at(start);
    const localDay = Math.floor(wall / DAY_MS);
    const hour = Math.floor((wall - localDay * DAY_MS) / HOUR_MS);
    addQuarter(all, q, k, params.peakMinCoverage);
    const isNight =
      params.nightFromHour > params.nightToHour
        ? hour >= params.nightFromHour || hour < params.nightToHour
        : hour >= params.nightFromHour && hour < params.nightToHour;
    if (isNight) addQuarter(night, q, k, params.peakMinCoverage);
    if (!withDetail) continue;
    profileInt[hour]! += q.ratioInt[k]!;
    profileTime[hour]! += q.ratioTime[k]!;
    const cell = ((((localDay + 3) % 7) + 7) % 7) * 24 + hour;
    heatSat[cell]! += q.saturated[k]!;
    heatTime[cell]! += q.known[k]!;
    if (localDay !== dayNumber) {
      flushDay();
      day = emptyTotals();
      dayNumber = localDay;
      dayStart = Math.max(p.from, start);
    }
    addQuarter(day as Totals, q, k, params.peakMinCoverage);
  }
  flushDay();
  const periodMs = p.to - p.from;
  const gapList = gaps(p);
  return {
    meanCapacity: capacityIntegral(p) / periodMs,
    meanOccupancy: ratioOrNull(all.ratioInt, all.ratioTime),
    peakOccupancy: all.peak,
    peakAt: all.peakAt,
    sustainedOccupancy: sustainedLevel(all.means, params.sustainedPercentile),
    maxOverflow: q.maxOverflow,
    nightOccupancy: ratioOrNull(night.ratioInt, night.ratioTime),
    saturationHours: all.saturated / HOUR_MS,
    overflowHours: all.overflow / HOUR_MS,
    // Against the time the source was expected to observe, not the whole period (#12.2).
    completeness: ratioOrNull(all.knownExpected, all.expected) ?? 0,
    coveredHours: all.knownExpected / HOUR_MS,
    expectedHours: all.expected / HOUR_MS,
    gapCount: gapList.length,
    gaps: gapList.slice(0, 50),
    detail: withDetail
      ? {
          hourlyProfile: [...profileInt].map((v, h) => ratioOrNull(v, profileTime[h]!)),
          saturationHeatmap: Array.from({ length: 7 }, (_, wd) =>
            Array.from({ length: 24 }, (_, h) => heatSat[wd * 24 + h]! / HOUR_MS),
          ),
          heatmapCoveredHours: Array.from({ length: 7 }, (_, wd) =>
            Array.from({ length: 24 }, (_, h) => heatTime[wd * 24 + h]! / HOUR_MS),
          ),
          days,
        }
      : null,
  };
}
