import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../broker/src/broker.ts';
import { startClusterBroker } from '../../broker/src/cluster.ts';
import { credentialsFor } from '../../broker/src/demo-credentials.ts';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { parseConfigText, parseEnv } from '../../gateway/src/config/config.ts';
import { deviceIdentities } from '../../gateway/src/config/device-identities.ts';
import { type RunningGateway, startGateway, systemClock } from '../../gateway/src/main.ts';
import { type RestartableServer, startRedis } from '../servers.ts';
import { plateEvent, testConfigYaml } from '../support/community.ts';
import { until } from './support/run-day.ts';

/**
 * The broker keeps sessions, QoS 1 queues and in-flight messages in Redis (aedes-persistence-redis through
 * `startClusterBroker`), so a broker stopped and started again on the same port loses nothing: the same guarantee a
 * cluster gives when one instance is replaced. aedes' default in-memory persistence would forget every queue.
 */
describe('broker restarted mid-traffic', () => {
  let redis: RestartableServer;
  let broker: RunningBroker;
  let gateway: RunningGateway;
  let dir: string;
  let brokerOptions: Parameters<typeof startClusterBroker>[0];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'broker-restart-'));
    const yaml = testConfigYaml({ capacity: 500, reserve: 0 });
    const configFile = join(dir, 'site.yaml');
    writeFileSync(configFile, yaml);
    const creds = await credentialsFor(deviceIdentities(parseConfigText(yaml, configFile)));
    const passwords = new Map(creds.clients.map((c) => [c.username, c.password]));
    brokerOptions = { credentials: creds.file.users, port: 0, wsPort: null, log: () => {}, redisUrl: redis.url };
    broker = await startClusterBroker(brokerOptions);
    brokerOptions.port = broker.port;
    const env = parseEnv({
      MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
      MQTT_USERNAME: 'gateway',
      MQTT_PASSWORD: passwords.get('gateway'),
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DATA_DIR: dir,
    });
    gateway = await startGateway({ configFile, env, clock: systemClock, log: silentLogger, tickMs: 200 });
    for (const username of ['cam-in', 'bar-in']) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
        clientId: username,
        username,
        password: passwords.get(username),
        clean: false,
        reconnectPeriod: 100,
      });
      clients.push(client);
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await gateway?.stop();
    await broker?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loses no QoS 1 plate event and no barrier command; devices and gateway reconnect by themselves', async () => {
    const [camera, barrier] = clients as [MqttClient, MqttClient];
    const commands = new Set<string>();
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', function onCommand(_topic, buf) {
      commands.add((JSON.parse(buf.toString()) as { plate: string }).plate);
    });
    const plates = Array.from({ length: 40 }, (_, i) => `苏E${String(40000 + i)}`);
    const published: Promise<unknown>[] = [];
    let restarts = 0;
    for (const [i, plate] of plates.entries()) {
      // mqtt.js keeps an unacknowledged QoS 1 publish and sends it again after reconnecting.
      published.push(
        camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', plate, Date.now()), { qos: 1 }),
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (i === 14 || i === 29) {
        await broker.stop();
        broker = await startClusterBroker(brokerOptions);
        restarts++;
      }
    }
    await Promise.all(published);
    const ledger = gateway.gateway.ledger;
    await until('every plate event in the ledger', () => ledger.countProcessedEvents() === plates.length, 60_000);
    await until('a barrier command for every car', () => plates.every((p) => commands.has(p)), 60_000);
    expect(restarts).toBe(2);
    const open = plates.filter((p) => ledger.findOpenSession('s1', p) !== null);
    expect(open).toHaveLength(plates.length);
    const perEvent = gateway.gateway.db
      .prepare('SELECT event_ref, COUNT(*) AS n FROM decisions GROUP BY event_ref HAVING n > 1')
      .all();
    expect(perEvent).toEqual([]);
    expect(gateway.gateway.mqtt.connected).toBe(true);
  }, 120_000);
});
