import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { credentialsFor, startBroker } from '../../broker/src/index.ts';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { parseConfigText, parseEnv } from '../../gateway/src/config/config.ts';
import { deviceIdentities } from '../../gateway/src/config/device-identities.ts';
import { ManualClock } from '../../gateway/src/domain/clock.ts';
import { type RunningGateway, startGateway } from '../../gateway/src/main.ts';

const FREE_TARIFF = resolve(import.meta.dirname, 'free-tariff.yaml');

/**
 * The gateway's own timer never fires during a replay: the replay records the minute snapshots itself through
 * Gateway.recordSnapshots, so no snapshot lands at whatever time the manual clock shows when a timer fires.
 */
const TIMER_OFF_MS = 24 * 3_600_000;

export interface ReplaySite {
  id: string;
  name: string;
  capacity: number;
}

/** Device ids are prefixed with the site, so one broker account per device across sites. */
export function laneDevices(site: string) {
  return {
    entryCamera: `${site}-cam-in`,
    exitCamera: `${site}-cam-out`,
    entryBarrier: `${site}-bar-in`,
    exitBarrier: `${site}-bar-out`,
  };
}

/** One site per car park: one zone with the car park's capacity, one gate with an entry and an exit lane. */
export function replayConfigYaml(sites: ReplaySite[]): string {
  const blocks = sites.map((s) => {
    const d = laneDevices(s.id);
    return `
  - id: ${s.id}
    name: ${JSON.stringify(s.name)}
    timeZone: Europe/London
    households: 0
    tariffs: [${JSON.stringify(FREE_TARIFF)}]
    zones:
      - { id: main, name: ${JSON.stringify(s.name)}, capacity: ${s.capacity} }
    gates:
      - id: gate
        name: gate
        lanes:
          - { lane: entry, camera: ${d.entryCamera}, barrier: ${d.entryBarrier}, display: ${s.id}-led-in }
          - { lane: exit, camera: ${d.exitCamera}, barrier: ${d.exitBarrier}, display: ${s.id}-led-out }`;
  });
  return `topicRoot: parking\nsites:${blocks.join('')}\n`;
}

export interface ReplayCommunity {
  clock: ManualClock;
  gateway: RunningGateway;
  device(username: string): Promise<MqttClient>;
  stop(): Promise<void>;
}

/** A real aedes broker with device accounts and a real gateway on a manual clock, in a fresh temp dir. */
export async function startReplayCommunity(sites: ReplaySite[], start: number): Promise<ReplayCommunity> {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const configFile = join(dir, 'sites.yaml');
  const yaml = replayConfigYaml(sites);
  writeFileSync(configFile, yaml);
  const creds = await credentialsFor(deviceIdentities(parseConfigText(yaml, configFile)));
  const passwords = new Map(creds.clients.map((c) => [c.username, c.password]));
  const broker = await startBroker({ credentials: creds.file.users, port: 0, wsPort: null, log: () => {} });
  const brokerUrl = `mqtt://127.0.0.1:${broker.port}`;
  const clock = new ManualClock(start);
  const env = parseEnv({
    MQTT_URL: brokerUrl,
    MQTT_USERNAME: 'gateway',
    MQTT_PASSWORD: passwords.get('gateway'),
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    DATA_DIR: dir,
  });
  const clients: MqttClient[] = [];
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ configFile, env, clock, log: silentLogger, tickMs: TIMER_OFF_MS, cron: false });
  } catch (err) {
    await broker.stop();
    throw err;
  }
  return {
    clock,
    gateway,
    async device(username) {
      const client = await mqtt.connectAsync(brokerUrl, {
        clientId: username,
        username,
        password: passwords.get(username),
        reconnectPeriod: 0,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await gateway.stop();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
