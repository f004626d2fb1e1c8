/** Counters and latency summaries, exposed in the Prometheus text format at /metrics. */
export class Metrics {
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly summaries = new Map<string, number[]>();
  private readonly gauges = new Map<string, () => number>();
  private readonly help = new Map<string, string>();

  constructor(private readonly window = 2048) {}

  describe(name: string, text: string): void {
    this.help.set(name, text);
  }

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    let series = this.counters.get(name);
    if (!series) {
      series = new Map();
      this.counters.set(name, series);
    }
    const key = labelKey(labels);
    series.set(key, (series.get(key) ?? 0) + by);
  }

  count(name: string, labels: Record<string, string> = {}): number {
    return this.counters.get(name)?.get(labelKey(labels)) ?? 0;
  }

  /** Sum of a counter over all label sets. */
  total(name: string): number {
    let sum = 0;
    for (const v of this.counters.get(name)?.values() ?? []) sum += v;
    return sum;
  }

  observe(name: string, value: number): void {
    let values = this.summaries.get(name);
    if (!values) {
      values = [];
      this.summaries.set(name, values);
    }
    values.push(value);
    if (values.length > this.window) values.splice(0, values.length - this.window);
  }

  quantile(name: string, q: number): number | null {
    const values = this.summaries.get(name);
    if (!values || values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
  }

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  render(): string {
    const out: string[] = [];
    for (const [name, series] of this.counters) {
      if (this.help.has(name)) out.push(`# HELP ${name} ${this.help.get(name)}`);
      out.push(`# TYPE ${name} counter`);
      for (const [key, value] of series) out.push(`${name}${key} ${value}`);
    }
    for (const [name, values] of this.summaries) {
      out.push(`# TYPE ${name} summary`);
      for (const q of [0.5, 0.9, 0.99]) out.push(`${name}{quantile="${q}"} ${this.quantile(name, q) ?? 0}`);
      out.push(`${name}_count ${values.length}`);
    }
    for (const [name, read] of this.gauges) {
      if (this.help.has(name)) out.push(`# HELP ${name} ${this.help.get(name)}`);
      out.push(`# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function labelKey(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${String(labels[k]).replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}
