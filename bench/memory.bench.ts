/**
 * Memory of one gateway serving 100 sites × 500 sensored spaces under sensor load. Mosquitto without auth carries
 * the load, so 200 connections can speak for all 50,000 sensors (our broker would need one login per sensor); the
 * figure is the gateway process's resident set, sampled every 100 ms, its peak while the load runs.
 */

import { BACKGROUND_EVENTS_PER_S } from './gate.bench.ts';
import { type Layout, sensorsOf } from './support/layout.ts';
import { SensorFleet } from './support/sensor-fleet.ts';
import { round } from './support/stats.ts';
import { type RunContext, startMosquittoBroker, startSut } from './support/system.ts';

export interface MemoryOptions {
  quick: boolean;
  profileDir?: string | undefined;
  log?: (message: string) => void;
}

export async function run(opts: MemoryOptions): Promise<Record<string, number>> {
  const ctx: RunContext = { profileDir: opts.profileDir, log: opts.log ?? ((m) => process.stderr.write(`${m}\n`)) };
  const layout: Layout = { sites: 100, spacesPerSite: 500 };
  const broker = await startMosquittoBroker();
  const sut = await startSut(ctx, 'memory');
  let fleet: SensorFleet | null = null;
  try {
    fleet = await SensorFleet.connect({ url: broker.url, sensors: sensorsOf(layout), publishers: 200 });
    // A 50,000-space deployment's config is generated, so JSON; BENCH_CONFIG_FORMAT=yaml shows the YAML parser's peak
    // (it builds a document tree first, and the process keeps those pages: about 300 MB more RSS).
    const format = process.env.BENCH_CONFIG_FORMAT === 'yaml' ? 'yaml' : 'json';
    const { startMs } = await sut.startGateway(broker, layout, format);
    const idle = await sut.stats(true);
    await sut.resetPeak();
    // every space reports at least once (50,000 events), then the load goes on at the background rate
    const durationMs = Number(process.env.BENCH_MEMORY_MS ?? (opts.quick ? 3_000 : 40_000));
    const load = await fleet.run({
      rate: BACKGROUND_EVENTS_PER_S,
      durationMs,
      consumed: async () => (await sut.counts()).gatewayReceived,
      window: 20_000,
      drain: false,
    });
    const loaded = await sut.stats();
    ctx.log(
      `memory under load: rss ${Math.round(loaded.rssMb)} MB = heap ${Math.round(loaded.heapTotalMb)} MB ` +
        `(${Math.round(loaded.heapUsedMb)} used) + external ${Math.round(loaded.externalMb)} MB + native/code`,
    );
    const live = await sut.stats(true);
    ctx.log(
      `memory: start ${Math.round(startMs)} ms, rss idle ${Math.round(idle.rssMb)} MB (peak at start ` +
        `${Math.round(idle.rssPeakMb)} MB), under load peak ${Math.round(loaded.rssPeakMb)} MB; live heap ` +
        `${Math.round(idle.liveHeapMb ?? 0)} MB idle, ${Math.round(live.liveHeapMb ?? 0)} MB after ${load.published} events ` +
        `(${Math.round((load.published * 1000) / load.elapsedMs)}/s)`,
    );
    return {
      'memory.rss_mb': round(loaded.rssPeakMb, 1),
      'memory.rss_idle_mb': round(idle.rssMb, 1),
      'memory.rss_start_peak_mb': round(idle.rssPeakMb, 1),
      'memory.live_heap_mb': round(live.liveHeapMb ?? Number.NaN, 1),
      'memory.events': load.published,
      'memory.gateway_start_s': round(startMs / 1000, 2),
    };
  } finally {
    await fleet?.close();
    await sut.stop();
    await broker.stop();
  }
}

if (process.argv[1] === import.meta.filename) {
  const figures = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
