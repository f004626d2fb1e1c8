import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { parseConfigText, parseEnv } from '../../gateway/src/config/config.ts';
import { deviceIdentities } from '../../gateway/src/config/device-identities.ts';
import { ManualClock } from '../../gateway/src/domain/clock.ts';
import { type RunningGateway, startGateway } from '../../gateway/src/main.ts';
import { type RestartableServer, startRedis } from '../../test/servers.ts';
import { nextMessage, plateEvent, testConfigYaml } from '../../test/support/community.ts';
import { type RunningBroker, startBroker } from './broker.ts';
import { redactRedisUrl, startClusterBroker } from './cluster.ts';
import { credentialsFor } from './demo-credentials.ts';

type Command = { commandId: string; action: string; reasonCode: string; plate: string | null };

describe('two aedes instances sharing Redis (mqemitter-redis + aedes-persistence-redis)', () => {
  let redis: RestartableServer;
  let b1: RunningBroker;
  let b2: RunningBroker;
  let gateway: RunningGateway;
  let dir: string;
  let passwords: Map<string, string>;
  const clock = new ManualClock(Date.parse('2026-03-02T08:00:00+08:00'));
  const clients: MqttClient[] = [];

  /** `clientId` may be `username-…`, so one user can hold several connections. */
  async function connect(broker: RunningBroker, clientId: string, extra: mqtt.IClientOptions = {}) {
    const username = clientId.replace(/-\d+$|-x$/, '');
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      clientId,
      username,
      password: passwords.get(username),
      reconnectPeriod: 0,
      ...extra,
    });
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'cluster-'));
    const configFile = join(dir, 'site.yaml');
    writeFileSync(configFile, testConfigYaml());
    const config = parseConfigText(testConfigYaml(), configFile);
    const creds = await credentialsFor(deviceIdentities(config));
    passwords = new Map(creds.clients.map((c) => [c.username, c.password]));
    const common = { credentials: creds.file.users, port: 0, wsPort: null, log: () => {}, redisUrl: redis.url };
    b1 = await startClusterBroker(common);
    b2 = await startClusterBroker(common);
    const env = parseEnv({
      MQTT_URL: `mqtt://127.0.0.1:${b2.port}`,
      MQTT_USERNAME: 'gateway',
      MQTT_PASSWORD: passwords.get('gateway'),
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DATA_DIR: dir,
    });
    gateway = await startGateway({ configFile, env, clock, log: silentLogger, tickMs: 50 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await gateway?.stop();
    await b1?.stop();
    await b2?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves a plate read on broker 1 from the gateway on broker 2: the barrier command comes back on 1', async () => {
    const camera = await connect(b1, 'cam-in');
    const barrier = await connect(b1, 'bar-in');
    const command = await nextMessage<Command>(barrier, 'parking/s1/gate/g1/barrier/command', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '京A12345', clock.now()), {
        qos: 1,
      }),
    );
    expect(command).toMatchObject({ action: 'open', reasonCode: 'ENTRY_TEMPORARY', plate: '京A12345' });
    expect(gateway.gateway.ledger.findOpenSession('s1', '京A12345')).not.toBeNull();
  });

  it('shows the retained occupancy published through broker 2 to a subscriber on either broker', async () => {
    const watcher2 = await connect(b2, 'dashboard-2');
    // The car let in by the first test is counted at the gate.
    const live = await nextMessage<{ occupied: number }>(
      watcher2,
      'parking/s1/occupancy',
      () => clock.advance(1000),
      (p) => p.occupied >= 1,
    );
    const retainedOn = (client: MqttClient) =>
      new Promise<{ retain: boolean; payload: { occupied: number } }>((resolve) => {
        client.on('message', function onRetained(topic, buf, packet) {
          if (topic !== 'parking/s1/occupancy') return;
          client.off('message', onRetained);
          resolve({ retain: packet.retain, payload: JSON.parse(buf.toString()) });
        });
        client.subscribe('parking/s1/occupancy', { qos: 1 });
      });
    const on1 = await retainedOn(await connect(b1, 'dashboard-1'));
    const on2 = await retainedOn(await connect(b2, 'dashboard-3'));
    expect(on1.retain).toBe(true);
    expect(on2.retain).toBe(true);
    expect(on1.payload.occupied).toBe(live.occupied);
    expect(on2.payload.occupied).toBe(live.occupied);
  });

  it('keeps the same authorisation on every instance: a camera may not publish for another gate', async () => {
    const camera = await connect(b1, 'cam-in-x');
    const before = b1.counters().refusedPublish;
    await camera.publishAsync('parking/s1/gate/g2/plate', plateEvent('cam-in', 'entry', '京A99999', clock.now()), {
      qos: 1,
    });
    expect(b1.counters().refusedPublish).toBe(before + 1);
    await expect(connect(b2, 'cam-in', { password: 'wrong' })).rejects.toThrow(/Not authorized|not authori/i);
  });

  it('moves a persistent session between instances: a command queued while the barrier was away arrives on 2', async () => {
    const away = await connect(b1, 'bar-out', { clean: false });
    await away.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    await away.endAsync();
    const camera = await connect(b2, 'cam-in-2');
    const display = await connect(b2, 'led-in');
    await nextMessage(display, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '京A54321', clock.now()), {
        qos: 1,
      }),
    );
    const queued = new Promise<Command>((resolve) => {
      const back = mqtt.connect(`mqtt://127.0.0.1:${b2.port}`, {
        clientId: 'bar-out',
        username: 'bar-out',
        password: passwords.get('bar-out'),
        clean: false,
        reconnectPeriod: 0,
      });
      clients.push(back);
      back.on('message', function onQueued(_topic, buf) {
        const command = JSON.parse(buf.toString()) as Command;
        if (command.plate === '京A54321') resolve(command);
      });
    });
    expect(await queued).toMatchObject({ action: 'open', plate: '京A54321' });
  });
});

describe('startClusterBroker without Redis', () => {
  it('fails with ERR_BROKER_REDIS naming the URL without its password', async () => {
    const url = 'redis://user:secret@127.0.0.1:1';
    await expect(
      startClusterBroker({ credentials: [], port: 0, wsPort: null, log: () => {}, redisUrl: url, redisTimeoutMs: 500 }),
    ).rejects.toMatchObject({
      code: 'ERR_BROKER_REDIS',
      message: expect.stringContaining('redis://user:***@127.0.0.1:1'),
    });
    expect(redactRedisUrl(url)).not.toContain('secret');
  });
});

describe('a persistent session keeps only the subscriptions it was granted', () => {
  let redis: RestartableServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /**
   * A display asks for its own display topic and every gate's plate reads in one SUBSCRIBE, gets 0x80 for the
   * plates, goes offline; a plate read then must not be queued for it (it would be delivered on reconnect).
   */
  async function offlineLeak(cluster: boolean): Promise<string[]> {
    const creds = await credentialsFor(deviceIdentities(parseConfigText(testConfigYaml(), 'site.yaml')));
    const passwords = new Map(creds.clients.map((c) => [c.username, c.password]));
    const options = { credentials: creds.file.users, port: 0, wsPort: null, log: () => {} };
    const broker = cluster ? await startClusterBroker({ ...options, redisUrl: redis.url }) : await startBroker(options);
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const as = (username: string, clean: boolean) => ({
      clientId: username,
      username,
      password: passwords.get(username),
      clean,
      reconnectPeriod: 0,
    });
    try {
      const display = await mqtt.connectAsync(url, as('led-in', false));
      // mqtt.js rejects a SUBACK with a refusal in it; the packet says what was granted.
      const granted = await display
        .subscribeAsync({ 'parking/s1/gate/g1/display': { qos: 1 }, 'parking/s1/gate/+/plate': { qos: 1 } })
        .then(
          () => [],
          (err: { packet?: { granted?: number[] } }) => err.packet?.granted ?? [],
        );
      expect(granted).toEqual([1, 128]);
      await display.endAsync();
      const camera = await mqtt.connectAsync(url, as('cam-in', true));
      await camera.publishAsync('parking/s1/gate/g1/plate', 'plate read while the display is away', { qos: 1 });
      await camera.endAsync();
      const received: string[] = [];
      const back = mqtt.connect(url, as('led-in', false));
      back.on('message', (topic) => received.push(topic));
      await new Promise((resolve) => back.once('connect', resolve));
      // A display message published now arrives after anything queued before it.
      const gateway = await mqtt.connectAsync(url, as('gateway', true));
      await nextMessage(back, 'parking/s1/gate/g1/display', () =>
        gateway.publishAsync('parking/s1/gate/g1/display', JSON.stringify({ marker: true }), { qos: 1 }),
      );
      await gateway.endAsync();
      await back.endAsync();
      return received;
    } finally {
      await broker.stop();
    }
  }

  it('on the in-memory broker', async () => {
    expect(await offlineLeak(false)).toEqual(['parking/s1/gate/g1/display']);
  });

  it('on the Redis cluster broker', async () => {
    expect(await offlineLeak(true)).toEqual(['parking/s1/gate/g1/display']);
  });
});

describe('broker main with BROKER_REDIS_URL', () => {
  it('joins the cluster: a message published on the program reaches a subscriber on another instance', async () => {
    const redis = await startRedis();
    const dir = mkdtempSync(join(tmpdir(), 'cluster-main-'));
    const creds = await credentialsFor(deviceIdentities(parseConfigText(testConfigYaml(), 'site.yaml')));
    const passwords = new Map(creds.clients.map((c) => [c.username, c.password]));
    const credentialsFile = join(dir, 'users.json');
    writeFileSync(credentialsFile, JSON.stringify(creds.file));
    const other = await startClusterBroker({
      credentials: creds.file.users,
      port: 0,
      wsPort: null,
      log: () => {},
      redisUrl: redis.url,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'main.ts')], {
      env: {
        ...process.env,
        MQTT_PORT: '0',
        MQTT_WS_PORT: '0',
        MQTT_HOST: '127.0.0.1',
        BROKER_CREDENTIALS: credentialsFile,
        BROKER_REDIS_URL: redis.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((done) => child.once('exit', done));
    try {
      const port = await new Promise<number>((done) => {
        createInterface({ input: child.stdout }).on('line', function onLine(line) {
          const entry = JSON.parse(line) as { event?: string; port?: number };
          if (entry.event === 'listening' && entry.port) done(entry.port);
        });
      });
      const as = (username: string, brokerPort: number) =>
        mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, {
          clientId: username,
          username,
          password: passwords.get(username),
          reconnectPeriod: 0,
        });
      const barrier = await as('bar-in', other.port);
      const gateway = await as('gateway', port);
      const command = await nextMessage<{ commandId: string }>(barrier, 'parking/s1/gate/g1/barrier/command', () =>
        gateway.publishAsync('parking/s1/gate/g1/barrier/command', JSON.stringify({ commandId: 'c-1' }), { qos: 1 }),
      );
      expect(command.commandId).toBe('c-1');
      await gateway.endAsync();
      await barrier.endAsync();
    } finally {
      child.kill('SIGTERM');
      await exited;
      await other.stop();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
