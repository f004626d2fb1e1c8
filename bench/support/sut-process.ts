import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../gateway/src/app/logger.ts';
import { parseEnv } from '../../gateway/src/config/config.ts';
import { type RunningGateway, startGateway } from '../../gateway/src/main.ts';
import { serveParent } from './child.ts';

/**
 * The system under test, in its own process: the real gateway, and beside it the plain clients the gateway is
 * compared with (a sink that only counts, an echo that republishes), so both pay the same process costs.
 */
let gateway: RunningGateway | null = null;
let sink: MqttClient | null = null;
let echo: MqttClient | null = null;
let sinkReceived = 0;
let echoed = 0;
const logged = { warn: 0, error: 0 };
/** Times the gateway's MQTT link closed (its own warning). */
let linkDrops = 0;
let rssPeak = 0;
const sampler = setInterval(function sampleRss() {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 100);
sampler.unref();

function shown(level: 'warn' | 'error') {
  return function log(fields: object, message: string): void {
    if (message === 'mqtt connection closed') linkDrops++;
    if (++logged[level] <= 3) process.stderr.write(`gateway ${level}: ${message} ${JSON.stringify(fields)}\n`);
  };
}
const quietLog: Logger = { debug() {}, info() {}, warn: shown('warn'), error: shown('error') };

async function startGw(args: Record<string, unknown>): Promise<{ startMs: number }> {
  const started = performance.now();
  const env = parseEnv({
    MQTT_URL: String(args.url),
    MQTT_USERNAME: args.username as string | undefined,
    MQTT_PASSWORD: args.password as string | undefined,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    DATA_DIR: String(args.dataDir),
  });
  gateway = await startGateway({ configFile: String(args.configFile), env, log: quietLog });
  // experiments only: BENCH_SQLITE_SYNCHRONOUS=NORMAL shows what the fsync per commit costs
  if (process.env.BENCH_SQLITE_SYNCHRONOUS)
    gateway.gateway.db.pragma(`synchronous = ${process.env.BENCH_SQLITE_SYNCHRONOUS}`);
  rssPeak = process.memoryUsage().rss;
  return { startMs: performance.now() - started };
}

async function connect(args: Record<string, unknown>): Promise<MqttClient> {
  return mqtt.connectAsync(String(args.url), {
    clientId: args.username as string | undefined,
    username: args.username as string | undefined,
    password: args.password as string | undefined,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
}

async function startSink(args: Record<string, unknown>): Promise<null> {
  sink = await connect(args);
  sink.on('message', function counted() {
    sinkReceived++;
  });
  await sink.subscribeAsync(String(args.filter), { qos: 1 });
  return null;
}

async function startEcho(args: Record<string, unknown>): Promise<null> {
  const client = await connect(args);
  echo = client;
  const to = String(args.to);
  client.on('message', function republish(_topic, payload) {
    echoed++;
    client.publish(to, payload, { qos: 1 });
  });
  await client.subscribeAsync(String(args.from), { qos: 1 });
  return null;
}

function stats(args: Record<string, unknown> = {}) {
  const gc = (globalThis as { gc?: () => void }).gc;
  let liveHeapMb: number | null = null;
  if (args.collect && gc) {
    gc();
    liveHeapMb = process.memoryUsage().heapUsed / 2 ** 20;
  }
  const rss = process.memoryUsage().rss;
  rssPeak = Math.max(rssPeak, rss);
  const g = gateway?.gateway;
  return {
    gatewayReceived: g?.mqtt.received ?? 0,
    spaceEvents: g?.metrics.count('gateway_messages_total', { kind: 'spaceState' }) ?? 0,
    decisions: g?.metrics.total('gateway_decisions_total') ?? 0,
    decisionsByReason: (g?.metrics.render() ?? '').split('\n').filter((l) => l.startsWith('gateway_decisions_total')),
    rejected: g?.metrics.total('gateway_rejected_total') ?? 0,
    decisionP50: g?.metrics.quantile('gateway_decision_latency_ms', 0.5) ?? null,
    decisionP99: g?.metrics.quantile('gateway_decision_latency_ms', 0.99) ?? null,
    sinkReceived,
    echoed,
    warnings: logged.warn,
    errors: logged.error,
    linkDrops,
    rssMb: rss / 2 ** 20,
    rssPeakMb: rssPeak / 2 ** 20,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    heapTotalMb: process.memoryUsage().heapTotal / 2 ** 20,
    externalMb: process.memoryUsage().external / 2 ** 20,
    liveHeapMb,
  };
}

async function stopAll(): Promise<null> {
  await Promise.all([sink?.endAsync(true), echo?.endAsync(true)]);
  sink = null;
  echo = null;
  await gateway?.stop();
  gateway = null;
  return null;
}

serveParent(
  {
    startGateway: startGw,
    startSink,
    startEcho,
    stopSink: async () => {
      await sink?.endAsync(true);
      sink = null;
      return null;
    },
    stats,
    resetPeak: () => {
      rssPeak = process.memoryUsage().rss;
      return null;
    },
    counts: () => ({ gatewayReceived: gateway?.gateway.mqtt.received ?? 0, sinkReceived, echoed }),
    stopAll,
  },
  async function stopSut() {
    await stopAll();
  },
);
