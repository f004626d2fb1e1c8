/**
 * `npm run bench [-- --quick] [-- --only=gate,ingest] [-- --profile=DIR]`: runs every bench module once and prints
 * ONE JSON object on stdout, flat figure names (`fee.quotes_per_s`, `gate.decision_p99_ms`, …) plus `machine` (with
 * the load average before and after, since the machine may be shared) and `quick`. Progress goes to stderr.
 * System benches run the broker and the gateway in child processes; `--profile=DIR` writes their CPU profiles there.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { round } from './support/stats.ts';

type Options = { quick: boolean; profileDir?: string | undefined; log?: (message: string) => void };
type BenchModule = { run(opts: Options): Promise<Record<string, number>> };

/** In this order: the pure ones first, the system ones (children, brokers, sockets) after. */
const MODULES: Record<string, () => Promise<BenchModule>> = {
  fee: () => import('./fee.bench.ts'),
  report: () => import('./report.bench.ts'),
  outbox: () => import('./outbox.bench.ts'),
  ingest: () => import('./ingest.bench.ts'),
  gate: () => import('./gate.bench.ts'),
  flood: () => import('./flood.bench.ts'),
  memory: () => import('./memory.bench.ts'),
};

function argument(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

function loads(): number[] {
  return loadavg().map((l) => round(l, 2));
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = argument('only')?.split(',');
  const profileDir = argument('profile');
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const cpu = cpus();
  const machine = {
    cpus: cpu.length,
    model: cpu[0]?.model ?? 'unknown',
    total_memory_mb: Math.round(totalmem() / 2 ** 20),
    free_memory_mb: Math.round(freemem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavg_start: loads(),
    loadavg_end: [] as number[],
  };
  const figures: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  const errors: Record<string, string> = {};
  const started = performance.now();
  for (const [name, load] of Object.entries(MODULES)) {
    if (only && !only.includes(name)) continue;
    log(`${name}: running (load average ${loads().join(' ')})`);
    const t0 = performance.now();
    try {
      const module = await load();
      Object.assign(figures, await module.run({ quick, profileDir, log }));
    } catch (err) {
      errors[name] = (err as Error).stack ?? String(err);
      log(`${name}: FAILED ${(err as Error).message}`);
    }
    seconds[name] = round((performance.now() - t0) / 1000, 1);
    log(`${name}: ${seconds[name]} s`);
  }
  machine.loadavg_end = loads();
  const out = {
    ...figures,
    quick,
    machine,
    seconds: { ...seconds, total: round((performance.now() - started) / 1000, 1) },
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

await main();
