import { join, resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { RateLimitsInput, RunningBroker } from '../../broker/src/index.ts';
import { ManualClock } from '../../gateway/src/domain/clock.ts';
import type { RunningGateway } from '../../gateway/src/main.ts';
import { identitiesOf, startTestBroker, startTestGateway, writeSite } from './harness.ts';

const repo = resolve(import.meta.dirname, '../..');

/** A small community for tests: one site, two zones (one sensored), one gate with an entry and an exit lane. */
export function testConfigYaml(
  overrides: { capacity?: number; reserve?: number; tariff?: string; noEntryRecord?: string } = {},
): string {
  const tariff = overrides.tariff ?? join(repo, 'tariffs/residential-guidance.yaml');
  return `
topicRoot: parking
sites:
  - id: s1
    name: 测试花园
    households: 40
    tariffs: [${JSON.stringify(tariff)}]
    policies:
      visitorReserve: ${overrides.reserve ?? 1}
      noEntryRecord: ${overrides.noEntryRecord ?? 'fixedFee'}
    zones:
      - id: A
        name: A区
        capacity: 2
        spaces:
          - { id: A1, sensor: sensor-A1 }
          - { id: A2, sensor: sensor-A2 }
      - id: B
        name: B区
        capacity: ${overrides.capacity ?? 3}
    gates:
      - id: g1
        name: 北门
        lanes:
          - { lane: entry, camera: cam-in, barrier: bar-in, display: led-in, loop: loop-in }
          - { lane: exit, camera: cam-out, barrier: bar-out, display: led-out, payTerminal: pay-out }
      - id: g2
        name: 南门
        lanes:
          - { lane: entry, camera: cam2-in, barrier: bar2-in, display: led2-in }
`;
}

export interface Community {
  dir: string;
  configFile: string;
  clock: ManualClock;
  brokerUrl: string;
  /** The in-process aedes broker (null against an external one). */
  broker: RunningBroker | null;
  gateway: RunningGateway;
  passwords: Map<string, string>;
  device(username: string): Promise<MqttClient>;
  /** Stops the gateway (it stays down until `restartGateway`). */
  stopGateway(): Promise<void>;
  restartGateway(): Promise<RunningGateway>;
  stop(): Promise<void>;
}

/** Broker, gateway and device credentials on free ports with a fresh data dir; `stop()` ends them all. */
export async function startCommunity(
  opts: {
    yaml?: string;
    start?: number;
    dataDir?: string;
    paymentSecret?: string;
    externalBrokerUrl?: string;
    /** The broker's publish budgets (default: ×1000 for the manual clock; `{}`: the real ones). */
    rateLimits?: RateLimitsInput;
  } = {},
): Promise<Community> {
  const site = writeSite(opts.yaml ?? testConfigYaml(), {
    prefix: 'community-',
    ...(opts.dataDir ? { dir: opts.dataDir } : {}),
  });
  // A third-party broker (Mosquitto) runs without our device accounts: anonymous clients, no passwords.
  const broker = await startTestBroker({
    identities: identitiesOf(site.config),
    ...(opts.externalBrokerUrl ? { external: opts.externalBrokerUrl } : {}),
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
  });
  const clock = new ManualClock(opts.start ?? Date.parse('2026-03-02T08:00:00+08:00'));
  const env = {
    ADMIN_PASSWORD: 'admin-password',
    PAYMENT_CALLBACK_SECRET: opts.paymentSecret ?? 'test-callback-secret-0123456789',
  };
  const launch = () => startTestGateway({ broker, site, clock, env });
  let gatewayDown = false;
  const community: Community = {
    dir: site.dir,
    configFile: site.configFile,
    clock,
    brokerUrl: broker.url,
    broker: broker.broker,
    gateway: await launch(),
    passwords: broker.passwords,
    device: (username) => broker.connect(username),
    async stopGateway() {
      if (gatewayDown) return;
      gatewayDown = true;
      await community.gateway.stop();
    },
    async restartGateway() {
      await community.stopGateway();
      community.gateway = await launch();
      gatewayDown = false;
      return community.gateway;
    },
    async stop() {
      await broker.closeClients();
      await community.stopGateway();
      await broker.stop();
    },
  };
  return community;
}

/** Resolves with the next message on a topic (subscribed before the trigger runs). */
export async function nextMessage<T = Record<string, unknown>>(
  client: MqttClient,
  topic: string,
  trigger: () => Promise<unknown> | unknown,
  predicate: (payload: T) => boolean = () => true,
): Promise<T> {
  await client.subscribeAsync(topic, { qos: 1 });
  const received = new Promise<T>((resolveMessage) => {
    client.on('message', function onMessage(t, buf) {
      if (t !== topic) return;
      const payload = JSON.parse(buf.toString()) as T;
      if (!predicate(payload)) return;
      client.off('message', onMessage);
      resolveMessage(payload);
    });
  });
  await trigger();
  return received;
}

let eventCounter = 0;
export function plateEvent(
  device: string,
  lane: 'entry' | 'exit',
  plate: string,
  ts: number,
  extra: Record<string, unknown> = {},
) {
  return JSON.stringify({
    eventId: `e${++eventCounter}-${device}`,
    ts,
    deviceId: device,
    lane,
    plate,
    colour: 'blue',
    confidence: 0.98,
    cameraId: device,
    ...extra,
  });
}
