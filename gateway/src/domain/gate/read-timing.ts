import { MAX_CLOCK_SKEW_MS, STALE_READ_MS } from './gate-rules.ts';

/** How long a device's messages count as evidence of its clock. */
export const CLOCK_WINDOW_MS = 30 * 60_000;
/** The window is kept as buckets of this length (the best sample of each). */
const BUCKET_MS = 5 * 60_000;

/**
 * What a device's recent messages say about its clock. Every message gives a sample `ts − receivedAt` = the clock's
 * error minus the message's transit delay; a message cannot arrive before it was sent, so the largest sample of the
 * window (the least delayed message) is the best estimate of how far the clock runs ahead. A negative estimate cannot
 * tell a clock that runs behind from a link that delivers late, so it is never used to make a read look fresher.
 */
export class DeviceClock {
  /** [bucket start, best sample] from oldest to newest; at most CLOCK_WINDOW_MS / BUCKET_MS + 1 entries. */
  private readonly buckets: Array<[number, number]> = [];

  /**
   * Takes one message as a sample. A message more than the skew limit off is judged on its own (its read never opens)
   * and is no sample: one corrupt timestamp must not lock a lane for the whole window.
   */
  observe(ts: number, receivedAt: number): void {
    if (Math.abs(ts - receivedAt) > MAX_CLOCK_SKEW_MS) return;
    const start = receivedAt - (receivedAt % BUCKET_MS);
    const sample = ts - receivedAt;
    const last = this.buckets.at(-1);
    if (last && last[0] === start) last[1] = Math.max(last[1], sample);
    else if (!last || last[0] < start) this.buckets.push([start, sample]);
    else {
      // A message handled out of order (receivedAt earlier than the newest bucket): fold it into its own bucket.
      const i = this.buckets.findIndex((b) => b[0] >= start);
      const own = this.buckets[i];
      if (own && own[0] === start) own[1] = Math.max(own[1], sample);
      else this.buckets.splice(i, 0, [start, sample]);
    }
    while (this.buckets.length > 0 && this.buckets[0]![0] + BUCKET_MS <= receivedAt - CLOCK_WINDOW_MS) {
      this.buckets.shift();
    }
  }

  /** The estimated clock error (device minus gateway, ms) from the messages of the window before `now`, or null. */
  offset(now: number): number | null {
    let best: number | null = null;
    for (const [start, sample] of this.buckets) {
      if (start + BUCKET_MS <= now - CLOCK_WINDOW_MS) continue;
      best = best === null ? sample : Math.max(best, sample);
    }
    return best;
  }
}

export type ReadTiming =
  /** Demonstrably fresh: the device clock agrees with the gateway and the read is within the stale limit. */
  | { fresh: true; at: number; delayMs: number }
  /** Taken more than the stale limit before it arrived, by a clock judged good: the car has gone. */
  | { fresh: false; why: 'late'; at: number; delayMs: number }
  /** The device's clock cannot be trusted (more than the skew limit from the gateway): the delay is unknown. */
  | { fresh: false; why: 'clock'; at: number; apparentDelayMs: number; clockOffsetMs: number };

/**
 * Is a plate read fresh enough to open a barrier (docs/protocol.md "Time")? A read opens only when it is demonstrably
 * fresh: this read's time and the device's recent clock estimate (`DeviceClock.offset`, this read included) are both
 * within `MAX_CLOCK_SKEW_MS` of the gateway, and the delay (the apparent delay, plus how far the clock runs ahead)
 * is at most `STALE_READ_MS`. A clock further off is untrustworthy: the read is recorded at its arrival time and never
 * opens, whatever it claims (a camera reset to another date, or a link that delivers everything minutes late).
 */
export function judgeReadTime(input: { ts: number; receivedAt: number; clockOffsetMs: number }): ReadTiming {
  const { ts, receivedAt, clockOffsetMs } = input;
  const apparentDelayMs = receivedAt - ts;
  if (Math.abs(apparentDelayMs) > MAX_CLOCK_SKEW_MS || Math.abs(clockOffsetMs) > MAX_CLOCK_SKEW_MS) {
    return { fresh: false, why: 'clock', at: receivedAt, apparentDelayMs, clockOffsetMs };
  }
  const delayMs = apparentDelayMs + Math.max(0, clockOffsetMs);
  if (delayMs > STALE_READ_MS) return { fresh: false, why: 'late', at: ts, delayMs };
  return { fresh: true, at: ts, delayMs };
}
