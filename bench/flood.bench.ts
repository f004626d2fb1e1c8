/**
 * One space sensor floods the broker (#25): valid QoS 1 space states, every one a change, as fast as its client
 * writes them, through our aedes broker (own process) to the real gateway (own process), while a camera's plate reads
 * are probed every 100 ms. Figures:
 * - `flood.drain_events_per_s`: how fast the gateway takes a backlog of states with no budget in the way (the path a
 *   flood, a mass reconnect or a gateway restart goes through: the broker's queue for the gateway's session);
 * - decision latency (plate read → barrier command) quiet, during that drain, and during a flood the default
 *   budgets cut off; the gateway's link drops and the broker's RSS before and after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { RateLimitsInput } from '../broker/src/index.ts';
import { type Layout, laneDevices, sensorsOf, siteId } from './support/layout.ts';
import { quantile, round } from './support/stats.ts';
import { deviceLogin, type RunContext, sleep, startAedes, startSut } from './support/system.ts';

export interface FloodOptions {
  quick: boolean;
  profileDir?: string | undefined;
  log?: (message: string) => void;
}

interface Phase {
  decisionP50: number;
  decisionP99: number;
  samples: number;
  unanswered: number;
  received: number;
  elapsedMs: number;
  linkDrops: number;
  brokerRssMb: number;
  brokerRssAfterMb: number;
  /** Broker heap after a full collection, before the flood and after it. */
  brokerHeapMb: number;
  brokerHeapAfterMb: number;
  rateLimitDisconnects: number;
}

/** One broker + gateway pair; `flood` events from one sensor (0: quiet), probes until the gateway has them all. */
async function phase(
  ctx: RunContext,
  opts: { flood: number; rateLimits: RateLimitsInput | undefined; quick: boolean; name: string },
): Promise<Phase> {
  const layout: Layout = { sites: 1, spacesPerSite: 50 };
  const site = siteId(0);
  const lanes = laneDevices(site);
  const sensor = sensorsOf(layout)[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'parking-bench-flood-'));
  const broker = await startAedes(layout, dir, ctx, `flood-${opts.name}`, opts.rateLimits);
  const sut = await startSut(ctx, `flood-${opts.name}`);
  const clients: MqttClient[] = [];
  try {
    await sut.startGateway(broker, layout);
    const [camIn, camOut, barrier, flooder] = await Promise.all(
      [lanes.entry.camera, lanes.exit.camera, lanes.entry.barrier, sensor.device].map((u) =>
        deviceLogin(broker.url, u),
      ),
    );
    clients.push(camIn!, camOut!, barrier!, flooder!);
    const commandTopic = `parking/${site}/gate/main/barrier/command`;
    await barrier!.subscribeAsync(commandTopic, { qos: 1 });
    const sent = new Map<string, { at: number }>();
    const decisions: number[] = [];
    barrier!.on('message', function commandReceived(_topic, buf) {
      const command = JSON.parse(buf.toString()) as { lane: string; plate: string | null };
      const probe = sent.get(`${command.lane}/${command.plate}`);
      if (!probe) return;
      sent.delete(`${command.lane}/${command.plate}`);
      decisions.push(performance.now() - probe.at);
    });
    flooder!.on('error', () => {});
    // Every space free first (an unknown lot is full and denies every entry), each sensor on its own login.
    const everySensor = sensorsOf(layout);
    for (const ref of everySensor.slice(1)) {
      const c = await deviceLogin(broker.url, ref.device);
      const state = { eventId: 'init', ts: Date.now(), deviceId: ref.device, occupied: false };
      await c.publishAsync(`parking/${site}/space/${ref.space}/state`, JSON.stringify(state), { qos: 1 });
      await c.endAsync();
    }
    await flooder!.publishAsync(
      `parking/${site}/space/${sensor.space}/state`,
      JSON.stringify({ eventId: 'init', ts: Date.now(), deviceId: sensor.device, occupied: false }),
      { qos: 1 },
    );
    const initDeadline = performance.now() + 10_000;
    while ((await sut.counts()).gatewayReceived < everySensor.length && performance.now() < initDeadline)
      await sleep(20);
    const before = await sut.counts();
    const brokerBefore = await broker.stats(true);
    const started = performance.now();
    // The payload a sensor really sends (battery, signal); every state the opposite of the last.
    const topic = `parking/${site}/space/${sensor.space}/state`;
    for (let i = 0; i < opts.flood; i++) {
      const payload =
        `{"eventId":"f-${i}","ts":${Date.now()},"deviceId":"${sensor.device}",` +
        `"occupied":${i % 2 === 0},"battery":87,"signal":-81}`;
      flooder!.publish(topic, payload, { qos: 1 }, () => {});
      if (i % 2000 === 1999) await sleep(0);
    }
    let k = 0;
    const minProbes = opts.quick ? 10 : 30;
    const deadline = started + (opts.quick ? 30_000 : 120_000);
    let received = 0;
    for (;;) {
      const lane = k % 2 === 0 ? 'entry' : 'exit';
      const plate = `粤B${String(Math.floor(k / 2)).padStart(5, '0')}`;
      const camera = lane === 'entry' ? lanes.entry.camera : lanes.exit.camera;
      sent.set(`${lane}/${plate}`, { at: performance.now() });
      const payload = JSON.stringify({
        eventId: `p${k}`,
        ts: Date.now(),
        deviceId: camera,
        lane,
        plate,
        colour: 'blue',
        confidence: 0.98,
        cameraId: camera,
      });
      (lane === 'entry' ? camIn! : camOut!).publish(`parking/${site}/gate/main/plate`, payload, { qos: 1 });
      k++;
      await sleep(100);
      received = (await sut.counts()).gatewayReceived - before.gatewayReceived;
      const done = received >= opts.flood + k || !flooder!.connected;
      if ((done && k >= minProbes) || performance.now() > deadline) break;
    }
    const elapsedMs = performance.now() - started;
    const settle = performance.now() + 3000;
    while (sent.size > 0 && performance.now() < settle) await sleep(20);
    const stats = await sut.stats();
    await sleep(opts.quick ? 500 : 2000);
    const brokerAfter = await broker.stats(true);
    return {
      decisionP50: round(quantile(decisions, 0.5), 2),
      decisionP99: round(quantile(decisions, 0.99), 2),
      samples: decisions.length,
      unanswered: sent.size,
      received: received - k,
      elapsedMs,
      linkDrops: stats.linkDrops,
      brokerRssMb: round(brokerBefore.rssMb, 1),
      brokerRssAfterMb: round(brokerAfter.rssMb, 1),
      brokerHeapMb: round(brokerBefore.heapUsedMb, 1),
      brokerHeapAfterMb: round(brokerAfter.heapUsedMb, 1),
      rateLimitDisconnects: brokerAfter.rateLimitDisconnects,
    };
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await sut.stop();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(opts: FloodOptions): Promise<Record<string, number>> {
  const ctx: RunContext = { profileDir: opts.profileDir, log: opts.log ?? ((m) => process.stderr.write(`${m}\n`)) };
  const flood = Number(process.env.BENCH_FLOOD_EVENTS ?? (opts.quick ? 20_000 : 100_000));
  const quiet = await phase(ctx, { flood: 0, rateLimits: undefined, quick: opts.quick, name: 'quiet' });
  // Budgets ×10^6: nothing stops the flood, the whole backlog goes through the broker's queue to the gateway.
  const drain = await phase(ctx, { flood, rateLimits: { scale: 1_000_000 }, quick: opts.quick, name: 'drain' });
  const limited = await phase(ctx, { flood, rateLimits: {}, quick: opts.quick, name: 'limited' });
  ctx.log(
    `flood: quiet p99 ${quiet.decisionP99} ms; drain of ${flood} in ${Math.round(drain.elapsedMs)} ms ` +
      `(${drain.received} received, link drops ${drain.linkDrops}, broker RSS ${drain.brokerRssMb} → ` +
      `${drain.brokerRssAfterMb} MB), p99 ${drain.decisionP99} ms; limited: ${limited.received} received, ` +
      `${limited.rateLimitDisconnects} cut off, p99 ${limited.decisionP99} ms`,
  );
  return {
    'flood.quiet_decision_p50_ms': quiet.decisionP50,
    'flood.quiet_decision_p99_ms': quiet.decisionP99,
    'flood.drain_events': drain.received,
    'flood.drain_events_per_s': Math.round((drain.received * 1000) / drain.elapsedMs),
    'flood.drain_decision_p50_ms': drain.decisionP50,
    'flood.drain_decision_p99_ms': drain.decisionP99,
    'flood.drain_unanswered': drain.unanswered,
    'flood.drain_link_drops': drain.linkDrops,
    'flood.drain_broker_rss_before_mb': drain.brokerRssMb,
    'flood.drain_broker_rss_after_mb': drain.brokerRssAfterMb,
    'flood.drain_broker_heap_before_mb': drain.brokerHeapMb,
    'flood.drain_broker_heap_after_mb': drain.brokerHeapAfterMb,
    'flood.limited_broker_heap_before_mb': limited.brokerHeapMb,
    'flood.limited_broker_heap_after_mb': limited.brokerHeapAfterMb,
    'flood.limited_events_delivered': limited.received,
    'flood.limited_disconnects': limited.rateLimitDisconnects,
    'flood.limited_decision_p50_ms': limited.decisionP50,
    'flood.limited_decision_p99_ms': limited.decisionP99,
    'flood.limited_link_drops': limited.linkDrops,
  };
}

if (process.argv[1] === import.meta.filename) {
  const figures = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
