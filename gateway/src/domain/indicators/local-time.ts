/**
 * Local calendar arithmetic for a site's IANA time zone, from Intl only. Offsets are looked up once per day of a
 * period (plus a short search where a DST change falls), never per sample.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(epochMs: number, timeZone: string): LocalParts {
  const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    if (part.type === 'weekday') out.weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type in out) out[part.type as keyof LocalParts] = Number(part.value);
  }
  return out;
}

/** Local wall time minus UTC at this instant, in ms. */
export function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - wholeSecond;
}

/** The instant of a local wall time (the earlier one when a DST change repeats it; month/day may overflow). */
export function localToEpoch(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  return Math.min(first, second);
}

export function startOfLocalDay(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  return localToEpoch(timeZone, p.year, p.month, p.day);
}

/**
 * The UTC offset as a step function over [from, to]: sampled every 12 h, and where two samples differ the change
 * instant is found by bisection to the minute.
 */
export class OffsetTimeline {
  readonly changes: { at: number; offset: number }[] = [];

  constructor(from: number, to: number, timeZone: string) {
    let prevT = from;
    let prevOff = offsetAt(from, timeZone);
    this.changes.push({ at: Number.NEGATIVE_INFINITY, offset: prevOff });
    for (let t = from + 12 * HOUR_MS; ; t += 12 * HOUR_MS) {
      const at = Math.min(t, to);
      const off = offsetAt(at, timeZone);
      if (off !== prevOff) {
        let lo = prevT;
        let hi = at;
        while (hi - lo > MINUTE_MS) {
          const mid = Math.floor((lo + hi) / 2 / MINUTE_MS) * MINUTE_MS;
          if (mid <= lo) break;
          if (offsetAt(mid, timeZone) === prevOff) lo = mid;
          else hi = mid;
        }
        this.changes.push({ at: hi, offset: off });
        prevOff = off;
      }
      prevT = at;
      if (at >= to) break;
    }
  }

  at(epochMs: number): number {
    let offset = this.changes[0]?.offset ?? 0;
    for (const change of this.changes) {
      if (change.at > epochMs) break;
      offset = change.offset;
    }
    return offset;
  }
}

/** Local wall clock of an instant as a fake-UTC number: its UTC fields are the local fields. */
export function wallClock(epochMs: number, offsets: OffsetTimeline): number {
  return epochMs + offsets.at(epochMs);
}

/**
 * How many local calendar days [from, to) spans: each local day counts 1 whatever its length (23 or 25 hours on a DST
 * change), a part of one counts its share of that day (#12.8).
 */
export function localDays(from: number, to: number, timeZone: string): number {
  const first = localParts(from, timeZone);
  let days = 0;
  for (let d = 0; ; d++) {
    const start = localToEpoch(timeZone, first.year, first.month, first.day + d);
    if (start >= to) break;
    const end = localToEpoch(timeZone, first.year, first.month, first.day + d + 1);
    const overlap = Math.min(end, to) - Math.max(start, from);
    if (overlap > 0) days += overlap / (end - start);
  }
  return days;
}
