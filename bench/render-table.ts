/**
 * `tsx bench/render-table.ts result.json`: the Markdown table of docs/benchmarks.md from one `npm run bench` output,
 * each figure with its aim (DESIGN §8 and the bench brief) and the raw baseline it is compared with.
 */
import { readFileSync } from 'node:fs';

type Figures = Record<string, unknown>;

interface Row {
  key: string;
  what: string;
  unit: string;
  /** Aim and how far the figure is from it, or '' when there is no aim. */
  aim?: (f: Figures) => string;
  /** The raw baseline of the same run, when the figure has one. */
  baseline?: (f: Figures) => string;
}

const num = (f: Figures, key: string): number => Number(f[key]);
const fmt = (x: number, digits = 0): string =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';

const ROWS: Row[] = [
  {
    key: 'ingest.events_per_s',
    what: 'space-sensor events through aedes and the gateway',
    unit: 'events/s',
    baseline: (f) => `raw ${fmt(num(f, 'ingest.raw_broker_events_per_s'))}/s`,
  },
  {
    key: 'ingest.ratio',
    what: 'gateway ÷ raw subscriber, same broker, same run',
    unit: '',
    aim: (f) => gap(num(f, 'ingest.ratio'), 0.7, 'min', 2),
  },
  {
    key: 'ingest.mosquitto_events_per_s',
    what: 'the same through Mosquitto',
    unit: 'events/s',
    baseline: (f) => `raw ${fmt(num(f, 'ingest.mosquitto_raw_events_per_s'))}/s`,
  },
  {
    key: 'ingest.mosquitto_ratio',
    what: 'gateway ÷ raw subscriber on Mosquitto',
    unit: '',
    aim: (f) => gap(num(f, 'ingest.mosquitto_ratio'), 0.7, 'min', 2),
  },
  { key: 'ingest.scale_1k_events_per_s', what: 'gateway alone, 1 site × 1,000 spaces', unit: 'events/s' },
  { key: 'ingest.scale_10k_events_per_s', what: 'gateway alone, 10 sites × 1,000 spaces', unit: 'events/s' },
  { key: 'ingest.scale_100k_events_per_s', what: 'gateway alone, 100 sites × 1,000 spaces', unit: 'events/s' },
  {
    key: 'gate.decision_p50_ms',
    what: 'plate event → barrier command, under 5,000 sensor events/s',
    unit: 'ms',
    baseline: (f) => `raw round trip p50 ${fmt(num(f, 'mqtt.rtt_p50_ms'), 2)} ms`,
  },
  {
    key: 'gate.decision_p99_ms',
    what: 'the same, p99',
    unit: 'ms',
    aim: (f) => gap(num(f, 'gate.decision_p99_ms'), num(f, 'mqtt.rtt_p99_ms') + 5, 'max', 2, 'raw p99 + 5 ms'),
    baseline: (f) => `raw round trip p99 ${fmt(num(f, 'mqtt.rtt_p99_ms'), 2)} ms`,
  },
  {
    key: 'gate.light_decision_p50_ms',
    what: 'plate → command under 1,000 sensor events/s',
    unit: 'ms',
    baseline: (f) => `raw p50 ${fmt(num(f, 'mqtt.light_rtt_p50_ms'), 2)} ms`,
  },
  {
    key: 'gate.light_decision_p99_ms',
    what: 'the same, p99',
    unit: 'ms',
    aim: (f) =>
      gap(num(f, 'gate.light_decision_p99_ms'), num(f, 'mqtt.light_rtt_p99_ms') + 5, 'max', 2, 'raw p99 + 5 ms'),
    baseline: (f) => `raw p99 ${fmt(num(f, 'mqtt.light_rtt_p99_ms'), 2)} ms`,
  },
  {
    key: 'memory.rss_mb',
    what: 'gateway RSS, 100 sites × 500 spaces, under load (peak)',
    unit: 'MB',
    aim: (f) => gap(num(f, 'memory.rss_mb'), 300, 'max', 0),
  },
  { key: 'memory.rss_start_peak_mb', what: 'gateway RSS peak while starting (config parse)', unit: 'MB' },
  { key: 'memory.live_heap_mb', what: 'gateway heap after a full GC, under load', unit: 'MB' },
  { key: 'fee.quotes_per_s', what: 'fee quotes, mixed stays', unit: 'quotes/s' },
  { key: 'fee.quotes_per_s_30d', what: 'fee quotes, 30-day stays', unit: 'quotes/s' },
  { key: 'report.month_s', what: 'monthly report, 1,000-space site (compute + CSV + HTML)', unit: 's' },
  { key: 'report.scale_1k_s', what: 'monthly report, 1k spaces', unit: 's' },
  { key: 'report.scale_10k_s', what: 'monthly report, 10k spaces', unit: 's' },
  { key: 'report.scale_100k_s', what: 'monthly report, 100k spaces', unit: 's' },
  { key: 'outbox.append_points_per_s', what: 'time-series outbox append', unit: 'points/s' },
  { key: 'outbox.drain_points_per_s', what: 'outbox drain to InfluxDB 1.x', unit: 'points/s' },
];

function gap(value: number, aim: number, kind: 'min' | 'max', digits: number, label?: string): string {
  const target = `${kind === 'min' ? '≥' : '≤'} ${label ?? fmt(aim, digits)}`;
  if (!Number.isFinite(value) || !Number.isFinite(aim)) return `${target}: n/a`;
  const met = kind === 'min' ? value >= aim : value <= aim;
  const by = Math.abs(value - aim);
  return `${target}: ${met ? 'met' : 'missed'} by ${fmt(by, digits)}`;
}

export function renderTable(f: Figures): string {
  const lines = ['| figure | what | value | aim | raw baseline (same run) |', '|---|---|---|---|---|'];
  for (const row of ROWS) {
    if (!(row.key in f)) continue;
    const value = num(f, row.key);
    const shown = `${fmt(value, value < 10 ? 3 : value < 1000 ? 1 : 0)}${row.unit ? ` ${row.unit}` : ''}`;
    lines.push(`| \`${row.key}\` | ${row.what} | ${shown} | ${row.aim?.(f) ?? ''} | ${row.baseline?.(f) ?? ''} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === import.meta.filename) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/render-table.ts result.json\n');
    process.exit(2);
  }
  process.stdout.write(`${renderTable(JSON.parse(readFileSync(file, 'utf8')) as Figures)}\n`);
}
