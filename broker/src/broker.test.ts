import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC_EXAMPLES, topics } from '../../gateway/src/protocol/index.ts';
import { type BrokerLogEntry, type RunningBroker, type StartBrokerOptions, startBroker } from './broker.ts';
import type { CredentialEntry } from './credentials.ts';
import { DEMO_SCRYPT_COST, hashPassword } from './password.ts';

const PASSWORD = 'correct horse battery';
/** The example payload of a topic kind, sent by the test's camera (a device may only name itself: #16.1). */
const payload = (kind: keyof typeof TOPIC_EXAMPLES) => {
  const example = TOPIC_EXAMPLES[kind].payload;
  return JSON.stringify('deviceId' in example ? { ...example, deviceId: 'cam-n' } : example);
};

async function credentials(): Promise<CredentialEntry[]> {
  const hash = await hashPassword(PASSWORD, DEMO_SCRYPT_COST);
  return [
    { username: 'gw', passwordHash: hash, role: 'gateway', site: '*' },
    { username: 'cam-n', passwordHash: hash, role: 'camera', site: 's1', gate: 'north', device: 'cam-n' },
    { username: 'bar-n', passwordHash: hash, role: 'barrier', site: 's1', gate: 'north', device: 'bar-n' },
    { username: 'led-n', passwordHash: hash, role: 'display', site: 's1', gate: 'north', device: 'led-n' },
    { username: 'dash', passwordHash: hash, role: 'dashboard', site: 's1' },
    { username: 'sen-a1', passwordHash: hash, role: 'spaceSensor', site: 's1', space: 'A1', device: 'sen-a1' },
  ];
}

interface Harness {
  broker: RunningBroker;
  logs: BrokerLogEntry[];
  clients: MqttClient[];
  connect(username: string, extra?: IClientOptions): Promise<MqttClient>;
}

async function harness(options: Partial<StartBrokerOptions> = {}): Promise<Harness> {
  const logs: BrokerLogEntry[] = [];
  const broker = await startBroker({
    port: 0,
    wsPort: 0,
    host: '127.0.0.1',
    credentials: await credentials(),
    log: (entry) => logs.push(entry),
    ...options,
  });
  const clients: MqttClient[] = [];
  async function connect(username: string, extra: IClientOptions = {}): Promise<MqttClient> {
    const url = extra.protocol === 'ws' ? `ws://127.0.0.1:${broker.wsPort}/mqtt` : `mqtt://127.0.0.1:${broker.port}`;
    const connecting = connectAsync(url, {
      username,
      password: PASSWORD,
      clientId: username,
      reconnectPeriod: 0,
      ...extra,
    });
    const client = await connecting;
    clients.push(client);
    return client;
  }
  return { broker, logs, clients, connect };
}

async function dispose(h: Harness): Promise<void> {
  await Promise.all(h.clients.map((c) => c.endAsync(true)));
  await h.broker.stop();
}

function nextMessage(client: MqttClient): Promise<{ topic: string; payload: string; retain: boolean }> {
  return new Promise(function waitForMessage(resolve) {
    client.once('message', function onMessage(topic, payload, packet) {
      resolve({ topic, payload: payload.toString(), retain: packet.retain });
    });
  });
}

function closed(client: MqttClient): Promise<void> {
  return new Promise(function waitForClose(resolve) {
    client.once('close', () => resolve());
  });
}

describe('broker with device authentication and topic authorisation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await dispose(h);
  });

  it('refuses a wrong password with CONNACK not authorised, and counts and logs it', async () => {
    const before = h.broker.counters().refusedAuth;
    await expect(h.connect('cam-n', { password: 'wrong' })).rejects.toMatchObject({ code: 5 });
    expect(h.broker.counters().refusedAuth).toBe(before + 1);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ event: 'refused-connect', username: 'cam-n', reason: 'wrong password' }),
    );
  });

  it('refuses an unknown user and a client id that is not the username', async () => {
    await expect(h.connect('nobody')).rejects.toMatchObject({ code: 5 });
    // [MQTT-3.1.3-9] a client id the server refuses is "identifier rejected" (0x02), not "not authorised" (#16).
    await expect(h.connect('cam-n', { clientId: 'someone-else' })).rejects.toMatchObject({ code: 2 });
    const ok = await h.connect('cam-n', { clientId: 'cam-n-7f3a' });
    expect(ok.connected).toBe(true);
    await ok.endAsync();
  });

  it("drops a camera's publish to another gate but delivers its own gate's plate", async () => {
    const gw = await h.connect('gw');
    await gw.subscribeAsync('parking/+/gate/+/plate', { qos: 1 });
    const cam = await h.connect('cam-n');
    const received = nextMessage(gw);
    const before = h.broker.counters();
    // QoS 1: the refused publish is still acknowledged, so this resolves.
    await cam.publishAsync(topics.build.plate({ site: 's1', gate: 'south' }), payload('plate'), { qos: 1 });
    await cam.publishAsync(topics.build.plate({ site: 's1', gate: 'north' }), payload('plate'), { qos: 1 });
    const first = await received;
    expect(first.topic).toBe('parking/s1/gate/north/plate');
    expect(cam.connected).toBe(true);
    const after = h.broker.counters();
    expect(after.refusedPublish - before.refusedPublish).toBe(1);
    expect(after.messagesIn - before.messagesIn).toBe(1);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        event: 'refused-publish',
        client: 'cam-n',
        topic: 'parking/s1/gate/south/plate',
        reason: expect.stringContaining('not its own plate topic'),
      }),
    );
  });

  it('lets only the gateway command a barrier', async () => {
    const bar = await h.connect('bar-n');
    const granted = await bar.subscribeAsync(topics.build.barrierCommand({ site: 's1', gate: 'north' }), { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
    const cam = await h.connect('cam-n', { clientId: 'cam-n-2' });
    const gw = await h.connect('gw', { clientId: 'gw-2' });
    const received = nextMessage(bar);
    const forged = JSON.stringify({ ...TOPIC_EXAMPLES.barrierCommand.payload, commandId: 'forged' });
    await cam.publishAsync(topics.build.barrierCommand({ site: 's1', gate: 'north' }), forged, { qos: 1 });
    await gw.publishAsync(topics.build.barrierCommand({ site: 's1', gate: 'north' }), payload('barrierCommand'), {
      qos: 1,
    });
    expect(JSON.parse((await received).payload).commandId).toBe(TOPIC_EXAMPLES.barrierCommand.payload.commandId);
  });

  it("grants 0x80 to a device subscribing # or another gate's display", async () => {
    const before = h.broker.counters().refusedSubscribe;
    const led = await h.connect('led-n');
    const filters = ['#', 'parking/s1/gate/south/display', 'parking/s1/gate/north/display'];
    // mqtt.js rejects when any grant is a failure; the SUBACK it carries holds the raw grants.
    const refusal = await led.subscribeAsync(filters, { qos: 1 }).then(
      () => null,
      (err: { packet?: { granted?: number[] } }) => err,
    );
    expect(refusal?.packet?.granted).toEqual([0x80, 0x80, 1]);
    expect(h.broker.counters().refusedSubscribe - before).toBe(2);
    expect(h.logs).toContainEqual(expect.objectContaining({ event: 'refused-subscribe', client: 'led-n', topic: '#' }));
  });

  it('serves WebSocket clients and delivers retained occupancy to a late subscriber', async () => {
    const gw = await h.connect('gw', { clientId: 'gw-occupancy' });
    const topic = topics.build.occupancy({ site: 's1' });
    await gw.publishAsync(topic, payload('occupancy'), { qos: 1, retain: true });
    const dash = await h.connect('dash', { protocol: 'ws' });
    const received = nextMessage(dash);
    await dash.subscribeAsync(topic, { qos: 1 });
    const message = await received;
    expect(message).toMatchObject({ topic, retain: true });
    expect(JSON.parse(message.payload)).toEqual(TOPIC_EXAMPLES.occupancy.payload);
    const live = nextMessage(dash);
    await gw.publishAsync(topic, JSON.stringify({ ...TOPIC_EXAMPLES.occupancy.payload, free: 22 }), { qos: 1 });
    expect(JSON.parse((await live).payload).free).toBe(22);
  });

  it("publishes a device's will (offline status) when its socket dies", async () => {
    const gw = await h.connect('gw', { clientId: 'gw-status' });
    const statusTopic = topics.build.deviceStatus({ site: 's1', device: 'led-n' });
    await gw.subscribeAsync(statusTopic, { qos: 1 });
    const offline = { ...TOPIC_EXAMPLES.deviceStatus.payload, deviceId: 'led-n', kind: 'display', online: false };
    const led = await h.connect('led-n', {
      clientId: 'led-n-will',
      will: { topic: statusTopic, payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
    });
    const received = nextMessage(gw);
    led.stream.destroy();
    const message = await received;
    expect(message.topic).toBe(statusTopic);
    expect(JSON.parse(message.payload).online).toBe(false);
  });
});

describe('broker limits and refusal modes', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    if (h) await dispose(h);
    h = null;
  });

  it('closes the connection of a refused publish in disconnect mode', async () => {
    h = await harness({ refusedPublish: 'disconnect', wsPort: null });
    expect(h.broker.wsPort).toBeNull();
    const cam = await h.connect('cam-n');
    const gone = closed(cam);
    cam.publish(topics.build.occupancy({ site: 's1' }), payload('occupancy'), { qos: 1 });
    await gone;
    expect(h.broker.counters().refusedPublish).toBe(1);
  });

  it('closes the connection of a client sending a packet over the size limit', async () => {
    h = await harness({ limits: { maxPacketSize: 2048 }, wsPort: null });
    const cam = await h.connect('cam-n');
    const gw = await h.connect('gw');
    await gw.subscribeAsync('parking/+/gate/+/plate', { qos: 1 });
    const gone = closed(cam);
    const big = JSON.stringify({ ...TOPIC_EXAMPLES.plate.payload, imageUrl: 'x'.repeat(3000) });
    cam.publish(topics.build.plate({ site: 's1', gate: 'north' }), big, { qos: 0 });
    await gone;
    expect(h.broker.counters().oversizePackets).toBe(1);
    expect(h.logs).toContainEqual(expect.objectContaining({ event: 'oversize-packet', client: 'cam-n' }));
  });

  it('counts connections and stops cleanly, closing clients', async () => {
    h = await harness();
    const gw = await h.connect('gw');
    expect(h.broker.counters()).toMatchObject({ connections: 1, connected: 1 });
    const gone = closed(gw);
    await h.broker.stop();
    await gone;
    await h.broker.stop();
  });
});

describe('per-device publish budgets (#25: one flooding sensor must not take the gate down)', () => {
  let h: Harness;
  afterEach(async () => {
    await dispose(h);
  });

  const spaceState = (i: number) =>
    JSON.stringify({ eventId: `f-${i}`, ts: 1767225600000 + i, deviceId: 'sen-a1', occupied: i % 2 === 0 });

  it('throttles, then disconnects and cools down a sensor flooding QoS 1 states, while the camera is delivered', async () => {
    h = await harness({ rateLimits: { maxThrottleMs: 10_000, cooldownMs: 1_500 } });
    const gw = await h.connect('gw');
    await gw.subscribeAsync({ 'parking/s1/space/+/state': { qos: 1 }, 'parking/s1/gate/+/plate': { qos: 1 } });
    const received = { space: 0, plate: 0 };
    gw.on('message', (topic) => {
      if (topic.endsWith('/state')) received.space++;
      else received.plate++;
    });
    const sensor = await h.connect('sen-a1');
    const cam = await h.connect('cam-n');
    const gone = closed(sensor);
    const failed: string[] = [];
    // 2,000 valid states as fast as the client writes them (a 20,000/s device would do the same, only faster).
    for (let i = 0; i < 2_000; i++) {
      sensor.publish('parking/s1/space/A1/state', spaceState(i), { qos: 1 }, (err) => {
        if (err) failed.push(err.message);
      });
    }
    await gone;
    sensor.end(true);
    // The camera is served during and after the flood.
    const plate = new Promise<string>((resolve) => {
      gw.on('message', (topic) => {
        if (topic.endsWith('/plate')) resolve(topic);
      });
    });
    await cam.publishAsync(topics.build.plate({ site: 's1', gate: 'north' }), payload('plate'), { qos: 1 });
    expect(await plate).toBe('parking/s1/gate/north/plate');

    const counters = h.broker.counters();
    expect(counters.rateLimitDisconnects).toBe(1);
    // The burst (20) went through at once, about two more waited for their tokens (5 s each), then the flood was cut.
    expect(counters.throttledPublishes).toBeGreaterThan(0);
    expect(received.space).toBeLessThanOrEqual(22);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ event: 'rate-limit-disconnect', client: 'sen-a1', username: 'sen-a1' }),
    );
    // Reconnecting at once is refused (server unavailable), before any password check; after the cool-down it is not.
    await expect(h.connect('sen-a1')).rejects.toMatchObject({ code: 3 });
    expect(h.broker.counters().refusedCooldown).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const back = await h.connect('sen-a1');
    expect(back.connected).toBe(true);
  });

  it('never holds a sensor within its burst (a reboot sends its state and status at once)', async () => {
    h = await harness();
    const sensor = await h.connect('sen-a1');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => sensor.publishAsync('parking/s1/space/A1/state', spaceState(i), { qos: 1 })),
    );
    expect(h.broker.counters()).toMatchObject({ throttledPublishes: 0, rateLimitDisconnects: 0 });
  });
});

describe('queues of persistent subscribers (#25: bounded, gate traffic first)', () => {
  let h: Harness;
  afterEach(async () => {
    await dispose(h);
  });

  it('keeps what an offline gateway missed within bounds: the oldest states dropped and counted, reads resent first', async () => {
    h = await harness({
      queues: { maxTelemetryPerClient: 5, maxPerClient: 50 },
      rateLimits: { scale: 1000 },
    });
    const gw = await h.connect('gw', { clean: false, clientId: 'gw-q' });
    await gw.subscribeAsync({ 'parking/s1/space/+/state': { qos: 1 }, 'parking/s1/gate/+/plate': { qos: 1 } });
    await gw.endAsync();
    const sensor = await h.connect('sen-a1');
    const cam = await h.connect('cam-n');
    for (let i = 0; i < 20; i++) {
      await sensor.publishAsync(
        'parking/s1/space/A1/state',
        JSON.stringify({ eventId: `q-${i}`, ts: 1767225600000 + i, deviceId: 'sen-a1', occupied: i % 2 === 0 }),
        { qos: 1 },
      );
    }
    await cam.publishAsync(topics.build.plate({ site: 's1', gate: 'north' }), payload('plate'), { qos: 1 });
    expect(h.broker.counters()).toMatchObject({ queued: 6, queueDroppedTelemetry: 15, queueDroppedGate: 0 });
    expect(h.logs).toContainEqual(expect.objectContaining({ event: 'queue-full', client: 'gw-q' }));

    // The handler is on before the connection: the queue comes right after the CONNACK.
    const received: string[] = [];
    const back = connect(`mqtt://127.0.0.1:${h.broker.port}`, {
      username: 'gw',
      password: PASSWORD,
      clientId: 'gw-q',
      clean: false,
      reconnectPeriod: 0,
    });
    h.clients.push(back);
    const all = new Promise<void>((resolve) => {
      back.on('message', (topic, buf) => {
        received.push(topic.endsWith('/plate') ? 'plate' : (JSON.parse(buf.toString()) as { eventId: string }).eventId);
        if (received.length === 6) resolve();
      });
    });
    await all;
    // The plate read first, then the five newest states, oldest first.
    expect(received).toEqual(['plate', 'q-15', 'q-16', 'q-17', 'q-18', 'q-19']);
  });
});
