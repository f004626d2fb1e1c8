import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { BrokerCounters, RateLimitsInput } from '../../broker/src/index.ts';
import { type RestartableServer, startMosquitto } from '../../test/servers.ts';
import { type Child, spawnChild } from './child.ts';
import { BENCH_PASSWORD, brokerUsers, type Layout, writeGatewayConfig } from './layout.ts';

const here = import.meta.dirname;

/** Where a run keeps its temp files and, when profiling, its CPU profiles. */
export interface RunContext {
  /** Folder for `.cpuprofile` files; profiling is off without it. */
  profileDir?: string | undefined;
  log(message: string): void;
}

export interface Broker {
  kind: 'aedes' | 'mosquitto';
  url: string;
  /** Password of every bench user; undefined for Mosquitto without auth. */
  password: string | undefined;
  stop(): Promise<void>;
}

/** Our aedes broker (`startBroker`, with device authentication and topic authorisation) in its own process. */
export async function startAedes(
  layout: Layout,
  dir: string,
  ctx: RunContext,
  name: string,
  /** Publish budgets; default: every rate ×100,000 (the fleets are synthetic load). */
  rateLimits?: RateLimitsInput,
): Promise<Broker & { stats(collect?: boolean): Promise<BrokerStats> }> {
  const credentialsFile = join(dir, 'broker-users.json');
  await writeFile(credentialsFile, JSON.stringify(await brokerUsers(layout)));
  const child = await spawnChild(resolve(here, 'broker-process.ts'), {
    cpuProfDir: ctx.profileDir,
    name: `${name}-broker`,
    nodeArgs: ['--expose-gc'],
  });
  const { port } = await child.request<{ port: number }>('start', { credentialsFile, rateLimits });
  return {
    kind: 'aedes',
    url: `mqtt://127.0.0.1:${port}`,
    password: BENCH_PASSWORD,
    stop: () => child.close(),
    stats: (collect = false) => child.request<BrokerStats>('stats', { collect }),
  };
}

export type BrokerStats = BrokerCounters & { rssMb: number; heapUsedMb: number };

/** Debian's Mosquitto without auth on a private port; queues deep enough that a slow subscriber is not dropped. */
export async function startMosquittoBroker(): Promise<Broker> {
  const server: RestartableServer & { url: string } = await startMosquitto([
    'max_queued_messages 1000000',
    'max_inflight_messages 100',
  ]);
  return { kind: 'mosquitto', url: server.url, password: undefined, stop: () => server.stop() };
}

export interface SutStats {
  gatewayReceived: number;
  spaceEvents: number;
  decisions: number;
  rejected: number;
  decisionP50: number | null;
  decisionP99: number | null;
  sinkReceived: number;
  echoed: number;
  warnings: number;
  errors: number;
  linkDrops: number;
  rssMb: number;
  rssPeakMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Memory of C++ objects bound to JS objects (buffers, SQLite statements…). */
  externalMb: number;
  /** Heap after a full collection, when asked for (`stats(true)`). */
  liveHeapMb: number | null;
}

export interface Sut {
  child: Child;
  dir: string;
  /** `collect`: run a full GC first, so `liveHeapMb` is what is really held. */
  stats(collect?: boolean): Promise<SutStats>;
  /** Start the RSS peak over from now. */
  resetPeak(): Promise<void>;
  /** The cheap counters, for polling. */
  counts(): Promise<Pick<SutStats, 'gatewayReceived' | 'sinkReceived' | 'echoed'>>;
  startGateway(broker: Broker, layout: Layout, format?: 'yaml' | 'json'): Promise<{ startMs: number }>;
  startSink(broker: Broker, filter: string): Promise<void>;
  stopSink(): Promise<void>;
  startEcho(broker: Broker, username: string, from: string, to: string): Promise<void>;
  stop(): Promise<void>;
}

/** The process under test (gateway, sink, echo) with a fresh temp folder for its config and DATA_DIR. */
export async function startSut(ctx: RunContext, name: string): Promise<Sut> {
  const dir = await mkdtemp(join(tmpdir(), `parking-bench-${name}-`));
  const child = await spawnChild(resolve(here, 'sut-process.ts'), {
    cpuProfDir: ctx.profileDir,
    name,
    nodeArgs: ['--expose-gc'],
  });
  const login = (broker: Broker, username: string) =>
    broker.password === undefined ? {} : { username, password: broker.password };
  return {
    child,
    dir,
    stats: (collect = false) => child.request<SutStats>('stats', { collect }),
    resetPeak: async () => {
      await child.request('resetPeak');
    },
    counts: () => child.request('counts'),
    async startGateway(broker, layout, format = 'yaml') {
      const configFile = await writeGatewayConfig(dir, layout, format);
      const dataDir = await mkdtemp(join(dir, 'data-'));
      return child.request<{ startMs: number }>('startGateway', {
        url: broker.url,
        configFile,
        dataDir,
        ...login(broker, 'gateway'),
      });
    },
    async startSink(broker, filter) {
      await child.request('startSink', { url: broker.url, filter, ...login(broker, 'raw-sink') });
    },
    async stopSink() {
      await child.request('stopSink');
    },
    async startEcho(broker, username, from, to) {
      await child.request('startEcho', { url: broker.url, from, to, ...login(broker, username) });
    },
    async stop() {
      await child.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A device of a benchmark site, logged in as itself (the bench users share one password). */
export function deviceLogin(url: string, username: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: username,
    username,
    password: BENCH_PASSWORD,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
}
