/**
 * Ingest throughput: space-sensor events through the broker and the real gateway, against the same events to a
 * subscriber that only counts them (same broker, same process, same run). Closed loop: every sensor keeps one event
 * in flight, so the rate is what the slowest stage sustains. Then the same with Mosquitto, and the gateway at 1k, 10k
 * and 100k spaces.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Layout, sensorsOf } from './support/layout.ts';
import { SensorFleet } from './support/sensor-fleet.ts';
import {
  type Broker,
  type RunContext,
  type Sut,
  type SutStats,
  sleep,
  startAedes,
  startMosquittoBroker,
  startSut,
} from './support/system.ts';

const SPACE_FILTER = 'parking/+/space/+/state';

interface Timing {
  warmMs: number;
  windowMs: number;
  /** Warm up at least until the consumer has this many events (every sensor seen once: steady state), at most 60 s. */
  warmEvents?: number;
}

/** Events per second the consumer (`read`) takes over a window after a warm-up, the fleet as fast as it keeps up. */
async function measure(
  fleet: SensorFleet,
  sut: Sut,
  read: (s: Pick<SutStats, 'gatewayReceived' | 'sinkReceived'>) => number,
  timing: Timing,
): Promise<number> {
  const consumed = async () => read(await sut.counts());
  let measured = false;
  const running = fleet.run({
    rate: Number.POSITIVE_INFINITY,
    durationMs: 120_000,
    stop: () => measured,
    consumed,
    window: 2000,
  });
  await sleep(timing.warmMs);
  const warmUntil = performance.now() + 60_000;
  while ((await consumed()) < (timing.warmEvents ?? 0) && performance.now() < warmUntil) await sleep(100);
  const first = await consumed();
  const t0 = performance.now();
  await sleep(timing.windowMs);
  const last = await consumed();
  const seconds = (performance.now() - t0) / 1000;
  measured = true;
  await running;
  return Math.round((last - first) / seconds);
}

/** Raw sink first, then the gateway (fresh DATA_DIR), on the same broker and fleet. */
async function rawThenGateway(
  broker: Broker,
  layout: Layout,
  ctx: RunContext,
  name: string,
  timing: Timing,
  publishers?: number,
): Promise<{ raw: number; gateway: number; startMs: number }> {
  const sut = await startSut(ctx, name);
  let fleet: SensorFleet | null = null;
  try {
    fleet = await SensorFleet.connect({
      url: broker.url,
      sensors: sensorsOf(layout),
      password: broker.password,
      ...(publishers ? { publishers } : {}),
    });
    ctx.log(`${name}: ${fleet.connections} sensor connections in ${Math.round(fleet.connectMs)} ms`);
    await sut.startSink(broker, SPACE_FILTER);
    const raw = await measure(fleet, sut, (s) => s.sinkReceived, timing);
    await sut.stopSink();
    const { startMs } = await sut.startGateway(broker, layout);
    const gateway = await measure(fleet, sut, (s) => s.gatewayReceived, timing);
    const stats = await sut.stats();
    ctx.log(
      `${name}: raw ${raw}/s, gateway ${gateway}/s (start ${Math.round(startMs)} ms, rss ${Math.round(stats.rssMb)} MB, ` +
        `rejected ${stats.rejected}, warnings ${stats.warnings}, errors ${stats.errors})`,
    );
    return { raw, gateway, startMs };
  } finally {
    await fleet?.close();
    await sut.stop();
  }
}

/** The gateway alone (no raw pass), on Mosquitto, a few publishers speaking for every space. */
async function gatewayOnly(layout: Layout, ctx: RunContext, name: string, timing: Timing, publishers: number) {
  const broker = await startMosquittoBroker();
  const sut = await startSut(ctx, name);
  let fleet: SensorFleet | null = null;
  try {
    fleet = await SensorFleet.connect({ url: broker.url, sensors: sensorsOf(layout), publishers });
    const { startMs } = await sut.startGateway(broker, layout, 'json');
    const rate = await measure(fleet, sut, (s) => s.gatewayReceived, timing);
    const stats = await sut.stats();
    ctx.log(`${name}: gateway ${rate}/s (start ${Math.round(startMs)} ms, rss ${Math.round(stats.rssMb)} MB)`);
    return { rate, startMs };
  } finally {
    await fleet?.close();
    await sut.stop();
    await broker.stop();
  }
}

export interface IngestOptions {
  quick: boolean;
  profileDir?: string | undefined;
  log?: (message: string) => void;
  /** Which runs (default all): our broker, Mosquitto, the scaling runs. */
  parts?: readonly ('aedes' | 'mosquitto' | 'scale')[];
}

export async function run(opts: IngestOptions): Promise<Record<string, number>> {
  const ctx: RunContext = { profileDir: opts.profileDir, log: opts.log ?? ((m) => process.stderr.write(`${m}\n`)) };
  const timing: Timing = opts.quick ? { warmMs: 500, windowMs: 1000 } : { warmMs: 3000, windowMs: 8000 };
  // one large sensored site, every sensor its own authenticated connection
  const site: Layout = { sites: 1, spacesPerSite: opts.quick ? 300 : 2000 };
  const out: Record<string, number> = {};

  const parts = opts.parts ?? ['aedes', 'mosquitto', 'scale'];
  if (parts.includes('aedes')) await ownBroker(site, ctx, timing, out);
  if (parts.includes('mosquitto')) await mosquittoBroker(site, ctx, timing, out);
  if (parts.includes('scale')) await scaling(opts.quick, ctx, out);
  return out;
}

async function ownBroker(site: Layout, ctx: RunContext, timing: Timing, out: Record<string, number>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parking-bench-ingest-'));
  const aedes = await startAedes(site, dir, ctx, 'ingest');
  try {
    const r = await rawThenGateway(aedes, site, ctx, 'ingest-aedes', timing);
    out['ingest.events_per_s'] = r.gateway;
    out['ingest.raw_broker_events_per_s'] = r.raw;
    out['ingest.ratio'] = round(r.gateway / r.raw, 3);
  } finally {
    await aedes.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function mosquittoBroker(site: Layout, ctx: RunContext, timing: Timing, out: Record<string, number>) {
  const mosquitto = await startMosquittoBroker();
  try {
    const r = await rawThenGateway(mosquitto, site, ctx, 'ingest-mosquitto', timing);
    out['ingest.mosquitto_events_per_s'] = r.gateway;
    out['ingest.mosquitto_raw_events_per_s'] = r.raw;
    out['ingest.mosquitto_ratio'] = round(r.gateway / r.raw, 3);
  } finally {
    await mosquitto.stop();
  }
}

async function scaling(quick: boolean, ctx: RunContext, out: Record<string, number>): Promise<void> {
  const scaleTiming = (spaces: number): Timing =>
    quick ? { warmMs: 300, windowMs: 800 } : { warmMs: 1000, windowMs: 5000, warmEvents: spaces };
  for (const [name, sites] of [
    ['1k', 1],
    ['10k', 10],
    ['100k', 100],
  ] as const) {
    const r = await gatewayOnly(
      { sites, spacesPerSite: 1000 },
      ctx,
      `ingest-scale-${name}`,
      scaleTiming(sites * 1000),
      200,
    );
    out[`ingest.scale_${name}_events_per_s`] = r.rate;
    out[`ingest.scale_${name}_gateway_start_s`] = round(r.startMs / 1000, 2);
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (process.argv[1] === import.meta.filename) {
  const quick = process.argv.includes('--quick');
  const partsArg = process.argv.find((a) => a.startsWith('--parts='));
  const parts = partsArg?.slice('--parts='.length).split(',') as IngestOptions['parts'];
  const profileArg = process.argv.find((a) => a.startsWith('--profile-dir='));
  const figures = await run({
    quick,
    ...(parts ? { parts } : {}),
    profileDir: profileArg?.slice('--profile-dir='.length),
  });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
