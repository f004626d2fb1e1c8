/**
 * Fee quotes per second against compiled example tariffs. The engine walks band and day boundaries, so the cost grows
 * with days and bands crossed, never with minutes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type CompiledTariff,
  compileTariff,
  parseTariffText,
  quote,
  type Stay,
} from '../gateway/src/domain/tariff/index.ts';

const root = resolve(import.meta.dirname, '..');
const H = 3_600_000;

function load(name: string): CompiledTariff {
  const parsed = parseTariffText(readFileSync(resolve(root, 'tariffs', `${name}.yaml`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return compileTariff(parsed.tariffs[0] as never);
}

/** A deterministic mix of stays: entries across 2025, classes, energies and user classes. */
function stays(count: number, maxMs: number, minMs: number): Stay[] {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const start = Date.parse('2025-01-01T00:00:00+08:00');
  const out: Stay[] = [];
  for (let i = 0; i < count; i++) {
    const entryAt = start + Math.floor(next() * 350 * 24 * H);
    out.push({
      entryAt,
      exitAt: entryAt + minMs + Math.floor(next() * (maxMs - minMs)),
      vehicleClass: next() < 0.85 ? 'small' : next() < 0.5 ? 'large' : 'motorcycle',
      energy: next() < 0.3 ? 'electric' : 'fuel',
      userClass: next() < 0.7 ? 'visitor' : next() < 0.7 ? 'owner' : 'monthly',
      payments: [],
      coupons: [],
      classChanges: [],
    });
  }
  return out;
}

function measure(tariffs: readonly CompiledTariff[], batch: readonly Stay[], budgetMs: number): number {
  let done = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let i = 0; i < batch.length; i++) {
      const r = quote(batch[i] as Stay, tariffs[i % tariffs.length] as CompiledTariff);
      if (r.ok) sink += r.totalFen + r.items.length;
    }
    done += batch.length;
    elapsed = performance.now() - t0;
  }
  if (sink < 0) throw new Error('unreachable');
  return Math.round((done / elapsed) * 1000);
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const tariffs = ['residential-guidance', 'banded-visitor', 'day-night'].map(load);
  const budget = opts.quick ? 400 : 3000;
  const day = stays(3000, 24 * H, 0);
  const month = stays(600, 30 * 24 * H, 30 * 24 * H - H);
  // the overall mix: mostly short stays, some overnight, a few multi-day
  const mix = [...stays(2400, 12 * H, 0), ...stays(500, 72 * H, 12 * H), ...stays(100, 30 * 24 * H, 3 * 24 * H)];
  measure(tariffs, mix, opts.quick ? 100 : 500); // warm-up
  return {
    'fee.quotes_per_s': measure(tariffs, mix, budget),
    'fee.quotes_per_s_24h': measure(tariffs, day, budget),
    'fee.quotes_per_s_30d': measure(tariffs, month, budget),
  };
}
