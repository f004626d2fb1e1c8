/**
 * Gate decision latency under background sensor load: a plate event published by a camera until the barrier command
 * reaches the barrier, through our aedes broker (authenticated devices) and the real gateway, while 5,000 space-sensor
 * events per second of a large sensored site flow through the same broker to the same gateway. In the same run and
 * the same processes, the raw MQTT round trip: a plate-sized publish echoed back as a command by a plain client that
 * lives in the gateway's process (its own connection, on a site the gateway does not serve).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { type Layout, laneDevices, RTT, sensorsOf, siteId } from './support/layout.ts';
import { SensorFleet } from './support/sensor-fleet.ts';
import { quantile, round } from './support/stats.ts';
import { deviceLogin, type RunContext, sleep, startAedes, startSut } from './support/system.ts';

export const BACKGROUND_EVENTS_PER_S = 5000;
/** A second, lighter phase first: the latency when the machine is not saturated. */
export const LIGHT_EVENTS_PER_S = 1000;

export interface GateOptions {
  quick: boolean;
  profileDir?: string | undefined;
  log?: (message: string) => void;
}

function platePayload(eventId: string, deviceId: string, lane: 'entry' | 'exit', plate: string): string {
  return JSON.stringify({
    eventId,
    ts: Date.now(),
    deviceId,
    lane,
    plate,
    colour: 'blue',
    confidence: 0.98,
    cameraId: deviceId,
  });
}

export async function run(opts: GateOptions): Promise<Record<string, number>> {
  const ctx: RunContext = { profileDir: opts.profileDir, log: opts.log ?? ((m) => process.stderr.write(`${m}\n`)) };
  const layout: Layout = { sites: 1, spacesPerSite: opts.quick ? 300 : 2000 };
  // each kind 10 times a second: far above a real gate's rate, and each decision commits with an fsync
  const probeEveryMs = 100;
  const site = siteId(0);
  const lanes = laneDevices(site);
  const plateTopic = `parking/${site}/gate/main/plate`;
  const commandTopic = `parking/${site}/gate/main/barrier/command`;

  const dir = await mkdtemp(join(tmpdir(), 'parking-bench-gate-'));
  const broker = await startAedes(layout, dir, ctx, 'gate-broker');
  const sut = await startSut(ctx, 'gate');
  const clients: MqttClient[] = [];
  let fleet: SensorFleet | null = null;
  try {
    fleet = await SensorFleet.connect({ url: broker.url, sensors: sensorsOf(layout), password: broker.password });
    await sut.startGateway(broker, layout);
    await sut.startEcho(broker, RTT.echo, RTT.plateTopic, RTT.commandTopic);
    const [camIn, camOut, barrier, rttCam, rttBar] = await Promise.all(
      [lanes.entry.camera, lanes.exit.camera, lanes.entry.barrier, RTT.camera, RTT.barrier].map((u) =>
        deviceLogin(broker.url, u),
      ),
    );
    clients.push(camIn!, camOut!, barrier!, rttCam!, rttBar!);
    await barrier!.subscribeAsync(commandTopic, { qos: 1 });
    await rttBar!.subscribeAsync(RTT.commandTopic, { qos: 1 });

    const sent = new Map<string, { at: number; measured: boolean }>();
    let decisions: number[] = [];
    let rtts: number[] = [];
    barrier!.on('message', function commandReceived(_topic, buf) {
      const now = performance.now();
      const command = JSON.parse(buf.toString()) as { lane: string; plate: string | null };
      const key = `d/${command.lane}/${command.plate}`;
      const probe = sent.get(key);
      if (!probe) return;
      sent.delete(key);
      if (probe.measured) decisions.push(now - probe.at);
    });
    rttBar!.on('message', function echoReceived(_topic, buf) {
      const now = performance.now();
      const key = `r/${(JSON.parse(buf.toString()) as { eventId: string }).eventId}`;
      const probe = sent.get(key);
      if (!probe) return;
      sent.delete(key);
      if (probe.measured) rtts.push(now - probe.at);
    });

    let tick = 0;
    let plates = 0;
    /** Probes both paths in turn while the fleet sends `rate` events per second; the first `warmMs` not counted. */
    const phase = async (rate: number, warmMs: number, measureMs: number) => {
      decisions = [];
      rtts = [];
      sent.clear();
      const load = fleet!.run({
        rate,
        durationMs: warmMs + measureMs + 200,
        consumed: async () => (await sut.counts()).gatewayReceived,
        window: 20_000,
      });
      const started = performance.now();
      await new Promise<void>((resolveProbes) => {
        const probe = () => {
          const elapsed = performance.now() - started;
          const measured = elapsed >= warmMs;
          tick++;
          if (tick % 2 === 0) {
            // entry then exit of the same plate: a fresh temporary visitor, then a free exit inside the free hour
            const k = plates++;
            const lane = k % 2 === 0 ? 'entry' : 'exit';
            const plate = `粤B${String(Math.floor(k / 2)).padStart(5, '0')}`;
            const camera = lane === 'entry' ? lanes.entry.camera : lanes.exit.camera;
            sent.set(`d/${lane}/${plate}`, { at: performance.now(), measured });
            const payload = platePayload(`p${k}`, camera, lane, plate);
            (lane === 'entry' ? camIn! : camOut!).publish(plateTopic, payload, { qos: 1 });
          } else {
            const eventId = `r${tick}`;
            sent.set(`r/${eventId}`, { at: performance.now(), measured });
            rttCam!.publish(RTT.plateTopic, platePayload(eventId, RTT.camera, 'entry', '粤B00000'), { qos: 1 });
          }
          if (elapsed >= warmMs + measureMs) {
            clearInterval(timer);
            resolveProbes();
          }
        };
        const timer = setInterval(probe, probeEveryMs / 2);
      });
      const loadResult = await load;
      const deadline = performance.now() + (opts.quick ? 1000 : 5000);
      while (sent.size > 0 && performance.now() < deadline) await sleep(20);
      const stats = await sut.stats();
      const achieved = Math.round((loadResult.published * 1000) / loadResult.elapsedMs);
      ctx.log(
        `gate at ${rate}/s: ${decisions.length} decisions, ${rtts.length} round trips, ${sent.size} unanswered; ` +
          `background ${achieved}/s (max backlog ${loadResult.maxInFlight}); gateway's own decision p99 ` +
          `${stats.decisionP99} ms; rss ${Math.round(stats.rssMb)} MB, warnings ${stats.warnings}, errors ${stats.errors}`,
      );
      return {
        decisionP50: round(quantile(decisions, 0.5), 2),
        decisionP99: round(quantile(decisions, 0.99), 2),
        rttP50: round(quantile(rtts, 0.5), 2),
        rttP99: round(quantile(rtts, 0.99), 2),
        samples: decisions.length,
        unanswered: sent.size,
        achieved,
      };
    };

    const warmMs = opts.quick ? 800 : 3000;
    const light = await phase(LIGHT_EVENTS_PER_S, warmMs, opts.quick ? 2000 : 30_000);
    const full = await phase(BACKGROUND_EVENTS_PER_S, warmMs, opts.quick ? 3000 : 60_000);
    return {
      'gate.decision_p50_ms': full.decisionP50,
      'gate.decision_p99_ms': full.decisionP99,
      'mqtt.rtt_p50_ms': full.rttP50,
      'mqtt.rtt_p99_ms': full.rttP99,
      'gate.p99_over_raw_ms': round(full.decisionP99 - full.rttP99, 2),
      'gate.samples': full.samples,
      'gate.unanswered': full.unanswered,
      'gate.background_events_per_s': full.achieved,
      'gate.light_decision_p50_ms': light.decisionP50,
      'gate.light_decision_p99_ms': light.decisionP99,
      'mqtt.light_rtt_p50_ms': light.rttP50,
      'mqtt.light_rtt_p99_ms': light.rttP99,
      'gate.light_background_events_per_s': light.achieved,
    };
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await fleet?.close();
    await sut.stop();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const profileArg = process.argv.find((a) => a.startsWith('--profile-dir='));
  const figures = await run({
    quick: process.argv.includes('--quick'),
    profileDir: profileArg?.slice('--profile-dir='.length),
  });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
