import type { CapacityVersion, ZoneOccupancy } from './indicator-input.ts';

/**
 * A(t) and C(t) over [from, to) as one step function: piece i covers [t[i], t[i+1]) (the last ends at `to`).
 * a[i] is NaN where A is unknown; e[i] is 1 where the source is expected to observe, else 0 (#12.2).
 */
export interface Piecewise {
  from: number;
  to: number;
  t: Float64Array;
  a: Float64Array;
  c: Float64Array;
  e: Float64Array;
}

interface Steps {
  t: number[];
  v: number[];
}

function byAt(x: { at: number }, y: { at: number }): number {
  return x.at - y.at;
}

function isSorted(steps: { at: number }[]): boolean {
  for (let i = 1; i < steps.length; i++)
    if ((steps[i] as { at: number }).at < (steps[i - 1] as { at: number }).at) return false;
  return true;
}

/** A(t) over [from, to) with hold expiry (`holdMs` after a reading no newer one follows) as explicit unknown steps. */
function presenceSteps(occupancy: ZoneOccupancy | undefined, from: number, to: number, holdMs: number): Steps {
  const out: Steps = { t: [from], v: [Number.NaN] };
  if (!occupancy) return out;
  const steps = isSorted(occupancy.steps) ? occupancy.steps : [...occupancy.steps].sort(byAt);
  const hold = holdMs;
  const push = (t: number, v: number): void => {
    if (t >= to) return;
    if (t <= from) {
      out.v[0] = v;
      return;
    }
    const last = out.t.length - 1;
    if (out.t[last] === t) out.v[last] = v;
    else {
      out.t.push(t);
      out.v.push(v);
    }
  };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.at >= to) break;
    const nextAt = steps[i + 1]?.at ?? Number.POSITIVE_INFINITY;
    if (nextAt <= from) continue;
    push(step.at, step.present ?? Number.NaN);
    const expiry = step.at + hold;
    if (expiry < nextAt) push(expiry, Number.NaN);
  }
  return out;
}

function capacitySteps(base: number, versions: CapacityVersion[], from: number, to: number): Steps {
  const out: Steps = { t: [from], v: [base] };
  for (const version of versions) {
    if (version.from >= to) break;
    if (version.from <= from) out.v[0] = version.capacity;
    else if (out.t[out.t.length - 1] === version.from) out.v[out.v.length - 1] = version.capacity;
    else {
      out.t.push(version.from);
      out.v.push(version.capacity);
    }
  }
  return out;
}

/** 1 inside the expected intervals, 0 outside, as steps over [from, to). */
function expectedSteps(intervals: readonly { from: number; to: number }[], from: number, to: number): Steps {
  const out: Steps = { t: [from], v: [0] };
  const push = (t: number, v: number): void => {
    if (t >= to) return;
    if (t <= from) out.v[0] = v;
    else if (out.t[out.t.length - 1] === t) out.v[out.v.length - 1] = v;
    else {
      out.t.push(t);
      out.v.push(v);
    }
  };
  for (const iv of intervals) {
    push(iv.from, 1);
    push(iv.to, 0);
  }
  return out;
}

/**
 * One zone's A, C and expected-observation steps over [from, to): a reading holds `holdMs` at most (#12.1), the
 * source is expected to observe inside `expected` (#12.2).
 */
export function zonePiecewise(
  occupancy: ZoneOccupancy | undefined,
  baseCapacity: number,
  versions: CapacityVersion[],
  from: number,
  to: number,
  holdMs: number,
  expected: readonly { from: number; to: number }[],
): Piecewise {
  const sortedVersions = [...versions].sort((x, y) => x.from - y.from);
  const series = [
    presenceSteps(occupancy, from, to, holdMs),
    capacitySteps(baseCapacity, sortedVersions, from, to),
    expectedSteps(expected, from, to),
  ];
  const size = series.reduce((sum, s) => sum + s.t.length, 0);
  const out = {
    t: new Float64Array(size),
    a: new Float64Array(size),
    c: new Float64Array(size),
    e: new Float64Array(size),
  };
  const index = [0, 0, 0];
  let n = 0;
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) t = Math.min(t, series[k]!.t[index[k]!] ?? Number.POSITIVE_INFINITY);
    if (t === Number.POSITIVE_INFINITY) break;
    for (let k = 0; k < 3; k++) if (series[k]!.t[index[k]!] === t) index[k]!++;
    out.t[n] = t;
    out.a[n] = series[0]!.v[index[0]! - 1]!;
    out.c[n] = series[1]!.v[index[1]! - 1]!;
    out.e[n] = series[2]!.v[index[2]! - 1]!;
    n++;
  }
  return {
    from,
    to,
    t: out.t.subarray(0, n),
    a: out.a.subarray(0, n),
    c: out.c.subarray(0, n),
    e: out.e.subarray(0, n),
  };
}

/** A zone without capacity and without data adds nothing; any other unknown makes the sum unknown. */
function addend(a: number, c: number): number {
  return Number.isNaN(a) && c === 0 ? 0 : a;
}

function mergeTwo(x: Piecewise, y: Piecewise): Piecewise {
  const nx = x.t.length;
  const ny = y.t.length;
  const t = new Float64Array(nx + ny);
  const a = new Float64Array(nx + ny);
  const c = new Float64Array(nx + ny);
  const e = new Float64Array(nx + ny);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < nx || j < ny) {
    const tx = i < nx ? x.t[i]! : Number.POSITIVE_INFINITY;
    const ty = j < ny ? y.t[j]! : Number.POSITIVE_INFINITY;
    const at = Math.min(tx, ty);
    if (tx === at) i++;
    if (ty === at) j++;
    t[n] = at;
    a[n] = addend(x.a[i - 1]!, x.c[i - 1]!) + addend(y.a[j - 1]!, y.c[j - 1]!);
    c[n] = x.c[i - 1]! + y.c[j - 1]!;
    // The site is expected to be observed where every zone is.
    e[n] = Math.min(x.e[i - 1]!, y.e[j - 1]!);
    n++;
  }
  return {
    from: x.from,
    to: x.to,
    t: t.subarray(0, n),
    a: a.subarray(0, n),
    c: c.subarray(0, n),
    e: e.subarray(0, n),
  };
}

/** The site as the sum of its zones (pairwise merges); A is unknown while any zone with capacity has unknown A. */
export function sumPiecewise(zones: Piecewise[]): Piecewise {
  let level = zones;
  while (level.length > 1) {
    const next: Piecewise[] = [];
    for (let k = 0; k < level.length; k += 2) {
      const y = level[k + 1];
      next.push(y ? mergeTwo(level[k]!, y) : level[k]!);
    }
    level = next;
  }
  return level[0]!;
}

/** ∫C dt over the period, in space-ms. */
export function capacityIntegral(p: Piecewise): number {
  let sum = 0;
  for (let i = 0; i < p.t.length; i++) sum += p.c[i]! * ((p.t[i + 1] ?? p.to) - p.t[i]!);
  return sum;
}

/** Intervals where the source was expected to observe and A is unknown, merged (#12.2). */
export function gaps(p: Piecewise): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i < p.t.length; i++) {
    if (!Number.isNaN(p.a[i]!) || p.e[i] === 0) continue;
    const start = p.t[i]!;
    const end = p.t[i + 1] ?? p.to;
    const last = out[out.length - 1];
    if (last && last.to === start) last.to = end;
    else out.push({ from: start, to: end });
  }
  return out;
}
