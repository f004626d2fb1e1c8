/** Progress of a long command on stderr: done/total, rate and an estimate of the time left. */
export interface Progress {
  /** Add to the count done (default 1); prints at most every `intervalMs`. */
  tick(count?: number): void;
  /** Set the count done. */
  update(done: number): void;
  /** Print the final line. */
  finish(): void;
  readonly done: number;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Where lines go; default stderr. */
  write?: (line: string) => void;
  /** Minimum time between lines, ms (default 1000). */
  intervalMs?: number;
  /** Real time source, ms (default `performance.now`). */
  now?: () => number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** One line: `label 1200/5000 24% 310/s, about 12s left`. */
export function progressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const left = rate > 0 ? ((total - done) * 1000) / rate : Number.POSITIVE_INFINITY;
  const rateText = rate >= 10 ? Math.round(rate).toString() : rate.toFixed(1);
  const tail = done >= total ? `done in ${formatDuration(elapsedMs)}` : `about ${formatDuration(left)} left`;
  return `${label} ${done}/${total} ${Math.floor(share * 100)}% ${rateText}/s, ${tail}`;
}

export function createProgress(options: ProgressOptions): Progress {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 1000;
  const started = now();
  let lastPrinted = Number.NEGATIVE_INFINITY;
  let done = 0;
  let finished = false;
  function maybePrint(force: boolean): void {
    const t = now();
    if (!force && t - lastPrinted < interval) return;
    lastPrinted = t;
    write(progressLine(options.label, done, options.total, t - started));
  }
  return {
    get done() {
      return done;
    },
    tick(count = 1) {
      done += count;
      maybePrint(false);
    },
    update(value) {
      done = value;
      maybePrint(false);
    },
    finish() {
      if (finished) return;
      finished = true;
      maybePrint(true);
    },
  };
}
