import type { CapacityVersion, ZoneOccupancy } from './indicator-input.ts';

/**
 * A(t) and C(t) over [from, to) as one step function: piece i covers [t[i], t[i+1]) (the last ends at `to`).
 * a[i] is NaN where A is unknown.
 */
export interface Piecewise {
  from: number;
  to: number;
  t: number[];
  a: number[];
  c: number[];
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

/** A(t) over [from, to) with hold expiry turned into explicit unknown steps. */
function presenceSteps(occupancy: ZoneOccupancy | undefined, from: number, to: number): Steps {
  const out: Steps = { t: [from], v: [Number.NaN] };
  if (!occupancy) return out;
  const steps = isSorted(occupancy.steps) ? occupancy.steps : [...occupancy.steps].sort(byAt);
  const hold = occupancy.maxHoldMs ?? Number.POSITIVE_INFINITY;
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

export function zonePiecewise(
  occupancy: ZoneOccupancy | undefined,
  baseCapacity: number,
  versions: CapacityVersion[],
  from: number,
  to: number,
): Piecewise {
  const sortedVersions = [...versions].sort((x, y) => x.from - y.from);
  const a = presenceSteps(occupancy, from, to);
  const c = capacitySteps(baseCapacity, sortedVersions, from, to);
  const out: Piecewise = { from, to, t: [], a: [], c: [] };
  let i = 0;
  let j = 0;
  while (i < a.t.length || j < c.t.length) {
    const ta = a.t[i] ?? Number.POSITIVE_INFINITY;
    const tc = c.t[j] ?? Number.POSITIVE_INFINITY;
    const t = Math.min(ta, tc);
    if (ta === t) i++;
    if (tc === t) j++;
    out.t.push(t);
    out.a.push(a.v[i - 1]!);
    out.c.push(c.v[j - 1]!);
  }
  return out;
}

/** The site as the sum of its zones; A is unknown while any zone with capacity has unknown A. */
export function sumPiecewise(zones: Piecewise[], from: number, to: number): Piecewise {
  if (zones.length === 1) return zones[0]!;
  const out: Piecewise = { from, to, t: [], a: [], c: [] };
  const idx = zones.map(() => 0);
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let k = 0; k < zones.length; k++) {
      const next = zones[k]!.t[idx[k]!];
      if (next !== undefined && next < t) t = next;
    }
    if (t === Number.POSITIVE_INFINITY) break;
    let sumA = 0;
    let sumC = 0;
    for (let k = 0; k < zones.length; k++) {
      const zone = zones[k]!;
      if (zone.t[idx[k]!] === t) idx[k]!++;
      const p = idx[k]! - 1;
      const c = zone.c[p]!;
      const a = zone.a[p]!;
      sumC += c;
      if (Number.isNaN(a)) {
        if (c > 0) sumA = Number.NaN;
      } else sumA += a;
    }
    out.t.push(t);
    out.a.push(sumA);
    out.c.push(sumC);
  }
  return out;
}

/** ∫C dt over the period, in space-ms. */
export function capacityIntegral(p: Piecewise): number {
  let sum = 0;
  for (let i = 0; i < p.t.length; i++) sum += p.c[i]! * ((p.t[i + 1] ?? p.to) - p.t[i]!);
  return sum;
}

/** Intervals where A is unknown, merged. */
export function gaps(p: Piecewise): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i < p.t.length; i++) {
    if (!Number.isNaN(p.a[i]!)) continue;
    const start = p.t[i]!;
    const end = p.t[i + 1] ?? p.to;
    const last = out[out.length - 1];
    if (last && last.to === start) last.to = end;
    else out.push({ from: start, to: end });
  }
  return out;
}
