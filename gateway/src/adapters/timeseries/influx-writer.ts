import type { Clock } from '../../domain/clock.ts';
import type { HttpOutcome, InfluxHttp } from './influx-http.ts';
import type { InfluxOutbox, OutboxRow } from './influx-outbox.ts';
import type { TimeSeriesConfig } from './timeseries-config.ts';

export interface WriterAlarm {
  status: number;
  message: string;
  since: number;
}

export interface WriterStatus {
  running: boolean;
  outboxSize: number;
  /** Age of the oldest line waiting in the outbox; null when it is empty. */
  oldestAgeMs: number | null;
  deadLetters: number;
  /** Lines the server accepted since this writer was made. */
  sent: number;
  consecutiveFailures: number;
  lastError: { at: number; status: number | null; message: string } | null;
  lastSuccessAt: number | null;
  nextAttemptAt: number | null;
  /** Raised on 401/403/404 (credentials, org/bucket/db): the data is kept until it clears. */
  alarm: WriterAlarm | null;
}

type SendFailure = { status: number | null; message: string; retryAfterMs?: number };

/** Statuses that will never accept these lines: isolate the bad line and dead-letter it. */
const REFUSED = new Set([400, 413, 422]);
/** Statuses that need a person (as does any other 4xx below 429): keep everything and raise the alarm. */
const ALARM = new Set([401, 403, 404]);

/**
 * Drains the outbox to InfluxDB in batches. A batch leaves the outbox only after a 2xx. While the server is down it
 * backs off exponentially (capped, with jitter from the injected random).
 */
export class InfluxWriter {
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | undefined;
  private waiters: { test: (s: WriterStatus) => boolean; resolve: (s: WriterStatus) => void }[] = [];
  private sent = 0;
  private failures = 0;
  private lastError: WriterStatus['lastError'] = null;
  private lastSuccessAt: number | null = null;
  private nextAttemptAt: number | null = null;
  private alarm: WriterAlarm | null = null;

  constructor(
    private readonly outbox: InfluxOutbox,
    private readonly http: InfluxHttp,
    private readonly config: TimeSeriesConfig,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops sending and waits for a request in flight; what is not sent stays in the outbox. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAttemptAt = null;
    await this.inFlight;
  }

  /** New lines are in the outbox: send them soon, unless a back-off is running. */
  notify(): void {
    if (!this.running || this.timer || this.inFlight || this.failures > 0) return;
    this.schedule(this.config.batchDelayMs);
  }

  status(): WriterStatus {
    const oldest = this.outbox.oldestCreatedAt();
    return {
      running: this.running,
      outboxSize: this.outbox.size(),
      oldestAgeMs: oldest === null ? null : Math.max(0, this.clock.now() - oldest),
      deadLetters: this.outbox.deadLetterCount(),
      sent: this.sent,
      consecutiveFailures: this.failures,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
      nextAttemptAt: this.nextAttemptAt,
      alarm: this.alarm,
    };
  }

  /** Resolves once the status satisfies `test` (checked now and after every attempt). */
  waitFor(test: (s: WriterStatus) => boolean): Promise<WriterStatus> {
    const now = this.status();
    if (test(now)) return Promise.resolve(now);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** One pass: sends batches until the outbox is empty or a batch fails. Returns false on failure. */
  async drainOnce(): Promise<boolean> {
    for (;;) {
      const rows = this.outbox.peek(this.config.batchSize);
      if (rows.length === 0) return true;
      const failure = await this.sendRows(rows);
      if (failure) {
        this.failed(failure);
        return false;
      }
      this.failures = 0;
      this.alarm = null;
      this.lastSuccessAt = this.clock.now();
      this.wake();
    }
  }

  /** Next wait: exponential from the minimum, capped, the upper half jittered; Retry-After wins when longer. */
  backoffMs(failures: number, retryAfterMs = 0): number {
    const { minRetryDelayMs: min, maxRetryDelayMs: max } = this.config;
    const exponential = Math.min(max, min * 2 ** Math.min(failures - 1, 30));
    const jittered = exponential / 2 + (this.random() * exponential) / 2;
    return Math.round(Math.min(max, Math.max(jittered, retryAfterMs)));
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.nextAttemptAt = this.clock.now() + ms;
    this.timer = setTimeout(this.cycle, ms);
  }

  private readonly cycle = (): void => {
    this.timer = undefined;
    this.nextAttemptAt = null;
    if (!this.running) return;
    this.inFlight = this.drainOnce()
      .catch((error: unknown) => {
        this.failed({ status: null, message: `outbox: ${error instanceof Error ? error.message : String(error)}` });
        return false;
      })
      .then((ok) => {
        this.inFlight = undefined;
        if (!this.running) return this.wake();
        if (!ok) this.schedule(this.backoffMs(this.failures, this.lastRetryAfterMs));
        else if (this.outbox.size() > 0) this.schedule(0);
        this.wake();
      });
  };

  private lastRetryAfterMs = 0;

  private failed(failure: SendFailure): void {
    this.failures++;
    const at = this.clock.now();
    this.lastError = { at, status: failure.status, message: failure.message };
    this.lastRetryAfterMs = failure.retryAfterMs ?? 0;
    if (failure.status !== null && (ALARM.has(failure.status) || failure.status < 429)) {
      this.alarm = { status: failure.status, message: failure.message, since: this.alarm?.since ?? at };
    } else if (failure.status === null || failure.status >= 429) {
      this.alarm = null;
    }
    this.wake();
  }

  /** Sends rows; a refused batch is halved until the bad line is alone, then dead-lettered. */
  private async sendRows(rows: OutboxRow[]): Promise<SendFailure | null> {
    const outcome: HttpOutcome = await this.http.write(rows.map((r) => r.line));
    if (outcome.ok) {
      this.outbox.remove(rows);
      this.sent += rows.length;
      return null;
    }
    if (outcome.status === null || !REFUSED.has(outcome.status)) return outcome;
    if (rows.length === 1) {
      this.outbox.deadLetter(rows, outcome.status, outcome.message);
      return null;
    }
    const middle = Math.ceil(rows.length / 2);
    for (const half of [rows.slice(0, middle), rows.slice(middle)]) {
      const failure = await this.sendRows(half);
      if (failure) return failure;
    }
    return null;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const status = this.status();
    const ready = this.waiters.filter((w) => w.test(status));
    this.waiters = this.waiters.filter((w) => !w.test(status));
    for (const w of ready) w.resolve(status);
  }
}
