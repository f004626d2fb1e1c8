export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export class TariffError extends Error {
  constructor(
    readonly code: 'TARIFF_INVALID' | 'TARIFF_TIME_ZONE',
    message: string,
  ) {
    super(message);
    this.name = 'TariffError';
  }
}

/** True when `Intl` knows the zone. */
export function isKnownTimeZone(id: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: id });
    return true;
  } catch {
    return false;
  }
}

/**
 * Local time in one IANA zone without `Intl` on the hot path: a zone whose offset never changes around the tariff's
 * dates uses one fixed offset; otherwise the offset is looked up once per UTC day and cached with its switch instant.
 */
export class Zone {
  readonly fixedOffset: number | null;
  private readonly dtf: Intl.DateTimeFormat;
  private readonly days = new Map<number, readonly [number, number, number]>();

  constructor(
    readonly id: string,
    around: number,
  ) {
    if (!isKnownTimeZone(id)) throw new TariffError('TARIFF_TIME_ZONE', `unknown time zone '${id}'`);
    this.dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const first = this.rawOffset(around - 366 * DAY);
    let fixed = true;
    for (let month = -12; month <= 30 * 12 && fixed; month++) {
      if (this.rawOffset(around + month * 30.5 * DAY) !== first) fixed = false;
    }
    this.fixedOffset = fixed ? first : null;
  }

  /** Offset of local time from UTC in ms at an instant. */
  offsetAt(ms: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    const day = Math.floor(ms / DAY);
    let entry = this.days.get(day);
    if (entry === undefined) {
      entry = this.scanDay(day);
      this.days.set(day, entry);
    }
    return ms < entry[1] ? entry[0] : entry[2];
  }

  /** Local day number (days since 1970-01-01 in local time). */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms)) / DAY);
  }

  /** The instant of local `day` at `minute` past local midnight (minute may exceed 1440). */
  epochOfLocal(day: number, minute: number): number {
    const wall = day * DAY + minute * MINUTE;
    if (this.fixedOffset !== null) return wall - this.fixedOffset;
    return wall - this.offsetAt(wall - this.offsetAt(wall));
  }

  /** `YYYY-MM-DD HH:MM:SS` local time. */
  format(ms: number): string {
    const iso = new Date(ms + this.offsetAt(ms)).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }

  private rawOffset(ms: number): number {
    const whole = Math.floor(ms / 1000) * 1000;
    const p: Record<string, number> = {};
    for (const part of this.dtf.formatToParts(new Date(whole))) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    const local = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
    return local - whole;
  }

  private scanDay(day: number): readonly [number, number, number] {
    const start = day * DAY;
    const end = start + DAY;
    const a = this.rawOffset(start);
    const b = this.rawOffset(end);
    if (a === b) return [a, end, b];
    let lo = start;
    let hi = end;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (this.rawOffset(mid) === a) lo = mid;
      else hi = mid;
    }
    return [a, hi, b];
  }
}

/** Day of week of a local day number: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Local day number of a `YYYY-MM-DD` date, or NaN if it is not a real date. */
export function dayOfDate(text: string): number {
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return Number.NaN;
  return ms / DAY;
}

export function minuteOfTime(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
