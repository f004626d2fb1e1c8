import { localParts, localToEpoch } from '../domain/indicators/local-time.ts';

export const REPORT_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

/** Start of the period containing `at`, in the site's time zone: local midnight, Monday, or the 1st. */
export function periodStart(period: ReportPeriod, at: number, timeZone: string): number {
  const p = localParts(at, timeZone);
  if (period === 'daily') return localToEpoch(timeZone, p.year, p.month, p.day);
  if (period === 'weekly') return localToEpoch(timeZone, p.year, p.month, p.day - p.weekday);
  return localToEpoch(timeZone, p.year, p.month, 1);
}

/** Start of the next period after the one starting at `start`. */
export function nextPeriodStart(period: ReportPeriod, start: number, timeZone: string): number {
  const p = localParts(start, timeZone);
  if (period === 'daily') return localToEpoch(timeZone, p.year, p.month, p.day + 1);
  if (period === 'weekly') return localToEpoch(timeZone, p.year, p.month, p.day + 7);
  return localToEpoch(timeZone, p.year, p.month + 1, 1);
}

/** Start of the period before the one starting at `start`. */
export function previousPeriodStart(period: ReportPeriod, start: number, timeZone: string): number {
  const p = localParts(start, timeZone);
  if (period === 'daily') return localToEpoch(timeZone, p.year, p.month, p.day - 1);
  if (period === 'weekly') return localToEpoch(timeZone, p.year, p.month, p.day - 7);
  return localToEpoch(timeZone, p.year, p.month - 1, 1);
}

/** The latest period that has ended by `now`. */
export function lastCompletedPeriod(
  period: ReportPeriod,
  now: number,
  timeZone: string,
): { start: number; end: number } {
  const end = periodStart(period, now, timeZone);
  return { start: previousPeriodStart(period, end, timeZone), end };
}

/** Every period that starts at or after `since`'s period and has ended by `now`, oldest first. */
export function completedPeriodsSince(
  period: ReportPeriod,
  since: number,
  now: number,
  timeZone: string,
  limit = 1000,
): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = periodStart(period, since, timeZone);
  while (out.length < limit) {
    const end = nextPeriodStart(period, start, timeZone);
    if (end > now) break;
    out.push({ start, end });
    start = end;
  }
  return out;
}
