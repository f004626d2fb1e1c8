import type { GateDecisionRecord, SessionRecord } from './indicator-input.ts';
import type { DecisionFigures, SessionFigures } from './indicator-result.ts';
import { DAY_MS, HOUR_MS } from './local-time.ts';

function add(map: Record<string, number>, key: string, value: number): void {
  map[key] = (map[key] ?? 0) + value;
}

export function inPeriod(at: number, from: number, to: number): boolean {
  return at >= from && at < to;
}

/** Σ of stays clipped to [from, to), in ms; a vehicle still inside counts up to `to`. */
export function clippedDwell(sessions: SessionRecord[], from: number, to: number): number {
  let sum = 0;
  for (const s of sessions) {
    const start = Math.max(s.entryAt, from);
    const end = Math.min(s.exitAt ?? to, to);
    if (end > start) sum += end - start;
  }
  return sum;
}

/** Entries per space-day: N / (∫C dt in space-days). */
export function turnover(entries: number, capacityIntegralMs: number): number | null {
  return capacityIntegralMs > 0 ? entries / (capacityIntegralMs / DAY_MS) : null;
}

/**
 * `capacityIntegralMs` is ∫C dt (space-ms, for space-hour utilisation); `spaceDayMs` the same counted in local days
 * (a 25-hour day is one space-day, for turnover, #12.8).
 */
export function sessionFigures(
  sessions: SessionRecord[],
  from: number,
  to: number,
  capacityIntegralMs: number,
  spaceDayMs: number,
): SessionFigures {
  let count = 0;
  let stillInside = 0;
  let dwellSum = 0;
  let dwellN = 0;
  const dwellByClass: Record<string, number> = {};
  const dwellNByClass: Record<string, number> = {};
  const exceptions = { noEntryRecord: 0, fuzzy: 0, manualOpen: 0, visitorOverstay: 0 };
  const revenue = {
    paidFen: 0,
    billedFen: 0,
    paidFenByUserClass: {} as Record<string, number>,
    paidFenByVehicleClass: {} as Record<string, number>,
    billedFenByUserClass: {} as Record<string, number>,
    billedFenByVehicleClass: {} as Record<string, number>,
  };
  for (const s of sessions) {
    if (s.exitAt !== null && inPeriod(s.exitAt, from, to)) {
      revenue.paidFen += s.paidFen;
      revenue.billedFen += s.feeFen;
      add(revenue.paidFenByUserClass, s.userClass, s.paidFen);
      add(revenue.paidFenByVehicleClass, s.vehicleClass, s.paidFen);
      add(revenue.billedFenByUserClass, s.userClass, s.feeFen);
      add(revenue.billedFenByVehicleClass, s.vehicleClass, s.feeFen);
    }
    if (!inPeriod(s.entryAt, from, to)) continue;
    count++;
    if (s.flags.noEntryRecord) exceptions.noEntryRecord++;
    if (s.flags.fuzzy) exceptions.fuzzy++;
    if (s.flags.manualOpen) exceptions.manualOpen++;
    if (s.flags.visitorOverstay) exceptions.visitorOverstay++;
    if (s.exitAt === null) {
      stillInside++;
      continue;
    }
    if (s.flags.noEntryRecord) continue;
    const dwell = s.exitAt - s.entryAt;
    dwellSum += dwell;
    dwellN++;
    add(dwellByClass, s.userClass, dwell);
    add(dwellNByClass, s.userClass, 1);
  }
  const total = exceptions.noEntryRecord + exceptions.fuzzy + exceptions.manualOpen + exceptions.visitorOverstay;
  const meanDwellHoursByClass: Record<string, number> = {};
  for (const [cls, sum] of Object.entries(dwellByClass)) {
    meanDwellHoursByClass[cls] = sum / (dwellNByClass[cls] ?? 1) / HOUR_MS;
  }
  return {
    sessions: count,
    stillInside,
    spaceHourUtilisation: capacityIntegralMs > 0 ? clippedDwell(sessions, from, to) / capacityIntegralMs : null,
    turnover: turnover(count, spaceDayMs),
    meanDwellHours: dwellN > 0 ? dwellSum / dwellN / HOUR_MS : null,
    meanDwellHoursByClass,
    exceptions: { ...exceptions, total, per100Sessions: count > 0 ? (total * 100) / count : null },
    revenue,
  };
}

export function decisionFigures(decisions: GateDecisionRecord[], from: number, to: number): DecisionFigures {
  let admitted = 0;
  let denied = 0;
  let referred = 0;
  let visitorAdmitted = 0;
  let visitorDenied = 0;
  const byReason: Record<string, number> = {};
  for (const d of decisions) {
    if (d.lane !== 'entry' || !inPeriod(d.at, from, to)) continue;
    const visitor = d.userClass === 'visitor' || d.userClass === 'temporary';
    if (d.action === 'allow') {
      admitted++;
      if (visitor) visitorAdmitted++;
    } else if (d.action === 'deny') {
      denied++;
      if (visitor) visitorDenied++;
      add(byReason, d.reason, 1);
    } else referred++;
  }
  const base = admitted + denied;
  const deniedByReason: Record<string, { count: number; rate: number }> = {};
  for (const [reason, count] of Object.entries(byReason)) deniedByReason[reason] = { count, rate: count / base };
  return {
    entriesAdmitted: admitted,
    entriesDenied: denied,
    entriesReferred: referred,
    deniedEntryRate: base > 0 ? denied / base : null,
    deniedByReason,
    visitorDeniedRate: visitorAdmitted + visitorDenied > 0 ? visitorDenied / (visitorAdmitted + visitorDenied) : null,
  };
}
