import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createTimeSeries, TimeSeriesConfig } from '../gateway/src/adapters/timeseries/index.ts';
import { ManualClock } from '../gateway/src/domain/clock.ts';
import { startInfluxDb1 } from '../test/servers.ts';

const T0 = Date.UTC(2025, 0, 6);

function lines(count: number, offset: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `occupancy,site=bench,scope=zone,zone=z${i % 8} capacity=100i,occupied=${i % 100}i,free=${100 - (i % 100)}i ${T0 + offset + i}`,
  );
}

/** Outbox append rate (10 lines per call, as a snapshot of a site with zones) and drain rate to a real InfluxDB 1.x. */
export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const total = opts.quick ? 20_000 : 200_000;
  const perCall = 10;
  const dir = mkdtempSync(join(tmpdir(), 'parking-bench-outbox-'));
  const influx = await startInfluxDb1();
  const db = new Database(join(dir, 'ledger.sqlite'));
  db.pragma('journal_mode = WAL');
  try {
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE bench')}`, { method: 'POST' });
    const config = TimeSeriesConfig.parse({ url: influx.url, mode: 'v1', db: 'bench', batchDelayMs: 0 });
    const series = createTimeSeries({ db, config, clock: new ManualClock(T0) });
    const outbox = series.outbox!;
    const batches = Array.from({ length: total / perCall }, (_, k) => lines(perCall, k * perCall));

    const appendStart = performance.now();
    for (const batch of batches) outbox.append(batch);
    const appendSeconds = (performance.now() - appendStart) / 1000;

    const drainStart = performance.now();
    series.start();
    const status = await series.writer!.waitFor((s) => s.outboxSize === 0);
    const drainSeconds = (performance.now() - drainStart) / 1000;
    await series.stop();
    if (status.sent !== total) throw new Error(`drained ${status.sent} of ${total}`);
    return {
      'outbox.append_points_per_s': Math.round(total / appendSeconds),
      'outbox.drain_points_per_s': Math.round(total / drainSeconds),
    };
  } finally {
    db.close();
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
