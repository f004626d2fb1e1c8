import type { Clock } from '../../gateway/src/domain/clock.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Offset of a time zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Local calendar facts of an instant: hour of day as a fraction, day of week (0 = Sunday), local midnight. */
export function localTime(epochMs: number, timeZone: string): { hour: number; weekday: number; midnight: number } {
  const offset = zoneOffsetMs(epochMs, timeZone);
  const local = epochMs + offset;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  return {
    hour: (local - dayStart) / HOUR_MS,
    weekday: new Date(dayStart).getUTCDay(),
    midnight: dayStart - zoneOffsetMs(dayStart - offset, timeZone),
  };
}

/** The instant of `hour` o'clock local time on the local day of `epochMs`. */
export function atLocalHour(epochMs: number, hour: number, timeZone: string): number {
  return localTime(epochMs, timeZone).midnight + hour * HOUR_MS;
}

/** A clock that can also run something after a simulated delay. */
export interface TimedClock extends Clock {
  /** Run `fn` after `simMs` simulated ms; returns a cancel function. */
  after(simMs: number, fn: () => void): () => void;
}

export interface SimClockOptions {
  /** Simulated epoch ms at start. */
  start: number;
  /** Simulated ms per real ms (60 = one simulated hour per real minute). */
  speed: number;
  /** Real time source in ms; default `performance.now`. */
  realNow?: () => number;
}

/** A clock running `speed`× real time from a chosen instant; timers are set in simulated ms. */
export class SimClock implements TimedClock {
  readonly speed: number;
  private readonly start: number;
  private readonly realStart: number;
  private readonly realNow: () => number;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(options: SimClockOptions) {
    if (!(options.speed > 0)) throw new RangeError('speed must be positive');
    this.speed = options.speed;
    this.start = options.start;
    this.realNow = options.realNow ?? (() => performance.now());
    this.realStart = this.realNow();
  }

  now(): number {
    return Math.floor(this.start + (this.realNow() - this.realStart) * this.speed);
  }

  /** Real ms for a simulated span. */
  toReal(simMs: number): number {
    return Math.max(0, simMs / this.speed);
  }

  /** Run `fn` after `simMs` simulated ms; returns a cancel function. Nothing runs after `stop()`. */
  after(simMs: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const timer = setTimeout(
      function fire(this: SimClock) {
        this.timers.delete(timer);
        if (!this.stopped) fn();
      }.bind(this),
      this.toReal(simMs),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Run `fn` at the simulated instant `at` (now if it has passed). */
  at(at: number, fn: () => void): () => void {
    return this.after(at - this.now(), fn);
  }

  /** Resolve after `simMs` simulated ms (never, once stopped: callers are torn down with the clock). */
  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(simMs, resolve);
    });
  }

  /** Cancel every pending timer. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}

/** Today (in the zone) at `hour` o'clock, e.g. today 06:00 Asia/Shanghai. */
export function todayAt(hour: number, timeZone = 'Asia/Shanghai', realEpochMs = Date.now()): number {
  return atLocalHour(realEpochMs, hour, timeZone);
}
