import { connectAsync, type MqttClient } from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerLogEntry, type RunningBroker, startBroker } from '../../broker/src/broker.ts';
import type { RateLimitsInput } from '../../broker/src/rate-limit.ts';
import { TOPIC_EXAMPLES } from '../../gateway/src/protocol/index.ts';
import { conformanceCredentials, PASSWORD, RawClient } from '../conformance/raw-client.ts';

/** `n` QoS 0 plate publishes of 512 bytes, back to back, as a flooding camera writes them on its socket. */
function plateFrames(n: number): Buffer {
  const frame = mqttPacket.generate({
    cmd: 'publish',
    topic: 'parking/s1/gate/north/plate',
    payload: Buffer.alloc(512, 0x61),
    qos: 0,
    retain: false,
    dup: false,
  });
  return Buffer.concat(Array.from({ length: n }, () => frame));
}

describe('broker under abuse: wrong credentials, foreign topics, oversize packets, floods and stalled readers', () => {
  let broker: RunningBroker | null = null;
  const logs: BrokerLogEntry[] = [];
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];

  async function start(
    limits: Record<string, number> = {},
    rateLimits: RateLimitsInput = {},
    queues: Record<string, number> = {},
  ): Promise<RunningBroker> {
    broker = await startBroker({
      credentials: await conformanceCredentials(),
      port: 0,
      wsPort: null,
      log: (e) => logs.push(e),
      limits,
      rateLimits,
      queues,
    });
    return broker;
  }
  afterEach(async () => {
    for (const r of raws.splice(0)) r.destroy();
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker?.stop();
    broker = null;
  });

  async function client(username: string, clientId: string, password = PASSWORD): Promise<MqttClient> {
    const c = await connectAsync(`mqtt://127.0.0.1:${broker!.port}`, {
      username,
      password,
      clientId,
      reconnectPeriod: 0,
    });
    clients.push(c);
    return c;
  }

  async function roundTrip(pub: MqttClient, sub: MqttClient, topic: string, text: string): Promise<void> {
    const got = new Promise<void>((resolve) => {
      sub.on('message', function onMessage(t, payload) {
        if (t === topic && payload.toString() === text) {
          sub.off('message', onMessage);
          resolve();
        }
      });
    });
    await pub.publishAsync(topic, text, { qos: 1 });
    await got;
  }

  it('refuses wrong passwords, unknown users, foreign client ids; drops foreign publishes; 0x80 for foreign filters', async () => {
    const b = await start();
    await expect(client('gw', 'gw', 'wrong')).rejects.toMatchObject({ code: 5 });
    await expect(client('nobody', 'nobody')).rejects.toMatchObject({ code: 5 });
    // A client id that is not the username's: identifier rejected (0x02, [MQTT-3.1.3-9]), still counted as refused.
    await expect(client('cam-n', 'gw')).rejects.toMatchObject({ code: 2 });
    expect(b.counters().refusedAuth).toBe(3);
    const gw = await client('gw', 'gw');
    await gw.subscribeAsync('parking/s1/gate/north/barrier/command', { qos: 1 });
    const cam = await client('cam-n', 'cam-n');
    await cam.publishAsync('parking/s1/gate/north/barrier/command', 'forged', { qos: 1 });
    await cam.publishAsync('parking/s1/gate/south/plate', 'not my gate', { qos: 1 });
    expect(b.counters().refusedPublish).toBe(2);
    await roundTrip(gw, gw, 'parking/s1/gate/north/barrier/command', 'real');
    const refused = await cam.subscribeAsync('parking/#', { qos: 1 }).then(
      () => null,
      (err: { packet?: { granted?: number[] } }) => err.packet?.granted,
    );
    expect(refused).toEqual([0x80]);
  });

  it('closes a client that announces an oversized packet; others keep their round trips', async () => {
    const b = await start({ maxPacketSize: 4096 });
    const gw = await client('gw', 'gw');
    await gw.subscribeAsync('parking/s1/occupancy', { qos: 1 });
    const { client: big } = await RawClient.connected(b.port, 'cam-n');
    raws.push(big);
    // Only the header of a 100 MB PUBLISH: the broker must not wait to buffer it.
    big.socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x30]));
    await big.closed;
    expect(b.counters().oversizePackets).toBe(1);
    await roundTrip(gw, gw, 'parking/s1/occupancy', 'still here');
  });

  it('a client publishing as fast as it can does not starve another client’s round trip, even with no budget', async () => {
    // Budgets ×10^6: the broker's own fairness, without the per-device limits.
    const b = await start({}, { scale: 1_000_000 });
    const { client: flooder } = await RawClient.connected(b.port, 'cam-n');
    raws.push(flooder);
    const batch = plateFrames(64);
    let written = 0;
    let flooding = true;
    const floodDone = (async function flood() {
      while (flooding && !flooder.socket.destroyed) {
        written += batch.length;
        if (!flooder.socket.write(batch)) await new Promise((r) => flooder.socket.once('drain', r));
      }
    })();
    const gw = await client('gw', 'gw');
    await gw.subscribeAsync('parking/s1/occupancy', { qos: 1 });
    const before = written;
    for (let i = 0; i < 5; i++) await roundTrip(gw, gw, 'parking/s1/occupancy', `tick ${i}`);
    expect(written).toBeGreaterThan(before);
    expect(flooder.socket.destroyed).toBe(false);
    flooding = false;
    await floodDone;
    expect(b.counters().messagesIn).toBeGreaterThan(100);
  });

  it('a camera flooding raw publishes is cut off at its budget while another client’s round trips go on', async () => {
    const b = await start();
    const { client: flooder } = await RawClient.connected(b.port, 'cam-n');
    raws.push(flooder);
    const gone = new Promise<void>((resolve) => flooder.socket.once('close', () => resolve()));
    flooder.socket.write(plateFrames(256));
    await gone;
    const gw = await client('gw', 'gw');
    await gw.subscribeAsync('parking/s1/occupancy', { qos: 1 });
    for (let i = 0; i < 3; i++) await roundTrip(gw, gw, 'parking/s1/occupancy', `tick ${i}`);
    // 30 at once (burst), then held at 5/s until the wait would pass 10 s (about 50 more); never the 256.
    const counters = b.counters();
    expect(counters.rateLimitDisconnects).toBe(1);
    expect(counters.throttledPublishes).toBeGreaterThan(0);
    expect(counters.messagesIn).toBeLessThan(256);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'rate-limit-disconnect', client: 'cam-n' }));
  });

  it('a persistent subscriber that stops acknowledging gets at most its in-flight window; each ack sends the next', async () => {
    const b = await start({}, { scale: 1000 }, { inflightPerClient: 10 });
    const { client: reader } = await RawClient.connected(b.port, 'gw', { clientId: 'gw-slow', clean: false });
    raws.push(reader);
    reader.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'parking/s1/gate/+/plate', qos: 1 }] });
    await reader.next('suback');
    const cam = await client('cam-n', 'cam-n');
    const read = (i: number) =>
      JSON.stringify({ ...TOPIC_EXAMPLES.plate.payload, deviceId: 'cam-n', eventId: `w-${i}` });
    for (let i = 0; i < 30; i++) await cam.publishAsync('parking/s1/gate/north/plate', read(i), { qos: 1 });
    // Every publish was taken (acknowledged to the camera); a round trip on another connection lets the broker settle.
    const gw = await client('gw', 'gw-probe');
    await gw.subscribeAsync('parking/s1/occupancy', { qos: 1 });
    await roundTrip(gw, gw, 'parking/s1/occupancy', 'settled');
    const ids = (packets: Packet[]) =>
      packets.map((p) => (JSON.parse(String((p as { payload: Buffer }).payload)) as { eventId: string }).eventId);
    const first = await Promise.all(Array.from({ length: 10 }, () => reader.next('publish')));
    expect(ids(first)).toEqual(Array.from({ length: 10 }, (_, i) => `w-${i}`));
    expect(reader.pending('publish')).toBe(0);
    expect(b.counters().queued).toBe(30);
    // One acknowledgement, one more message, in order.
    reader.send({ cmd: 'puback', messageId: (first[0] as { messageId: number }).messageId });
    const eleventh = await reader.next('publish');
    expect(ids([eleventh])).toEqual(['w-10']);
    // Acknowledge everything as it comes: the rest arrive in order and the queue empties.
    const rest: Packet[] = [];
    for (const p of first.slice(1)) reader.send({ cmd: 'puback', messageId: (p as { messageId: number }).messageId });
    while (rest.length < 19) {
      const p = await reader.next('publish');
      rest.push(p);
      reader.send({ cmd: 'puback', messageId: (p as { messageId: number }).messageId });
    }
    expect(ids(rest)).toEqual(Array.from({ length: 19 }, (_, i) => `w-${i + 11}`));
    reader.send({ cmd: 'puback', messageId: (eleventh as { messageId: number }).messageId });
    await roundTrip(gw, gw, 'parking/s1/occupancy', 'drained');
    expect(b.counters().queued).toBe(0);
  });

  it('after a reconnect the backlog is resent through the same window, not all at once', async () => {
    const b = await start({}, { scale: 1000 }, { inflightPerClient: 10 });
    const first = await RawClient.connected(b.port, 'gw', { clientId: 'gw-away', clean: false });
    first.client.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: 'parking/s1/gate/+/plate', qos: 1 }],
    });
    await first.client.next('suback');
    first.client.destroy();
    await first.client.closed;
    const cam = await client('cam-n', 'cam-n');
    const read = (i: number) =>
      JSON.stringify({ ...TOPIC_EXAMPLES.plate.payload, deviceId: 'cam-n', eventId: `b-${i}` });
    for (let i = 0; i < 25; i++) await cam.publishAsync('parking/s1/gate/north/plate', read(i), { qos: 1 });
    const { client: back, connack } = await RawClient.connected(b.port, 'gw', { clientId: 'gw-away', clean: false });
    raws.push(back);
    expect(connack.sessionPresent).toBe(true);
    const got: string[] = [];
    const take = async () => {
      const p = (await back.next('publish')) as Packet & { messageId: number; payload: Buffer };
      got.push((JSON.parse(String(p.payload)) as { eventId: string }).eventId);
      return p;
    };
    const window = [];
    for (let i = 0; i < 10; i++) window.push(await take());
    const gw = await client('gw', 'gw-probe');
    await gw.subscribeAsync('parking/s1/occupancy', { qos: 1 });
    await roundTrip(gw, gw, 'parking/s1/occupancy', 'settled');
    expect(back.pending('publish')).toBe(0);
    for (const p of window) back.send({ cmd: 'puback', messageId: p.messageId });
    while (got.length < 25) back.send({ cmd: 'puback', messageId: (await take()).messageId });
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => `b-${i}`));
  });

  it('a subscriber that stops reading is disconnected after drainTimeout while the others keep receiving', async () => {
    const b = await start({ drainTimeout: 300, maxPacketSize: 256 * 1024 });
    const topic = 'parking/s1/occupancy';
    const { client: slow } = await RawClient.connected(b.port, 'dash', { clientId: 'dash-slow' });
    raws.push(slow);
    slow.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 0 }] });
    await slow.next('suback');
    slow.socket.pause();
    let gone = false;
    const slowGone = new Promise<void>((resolve) => {
      b.aedes.on('clientDisconnect', function onGone(c) {
        if (c.id !== 'dash-slow') return;
        gone = true;
        resolve();
      });
    });
    const fast = await client('dash', 'dash-fast');
    let received = 0;
    fast.on('message', () => {
      received++;
    });
    await fast.subscribeAsync(topic, { qos: 1 });
    const gw = await client('gw', 'gw');
    const payload = Buffer.alloc(200 * 1024, 0x62);
    let sent = 0;
    // Bounded: the kernel buffers are a few MB, so well under 1 GB the slow reader must have been cut off.
    while (!gone && sent < 5000) {
      await gw.publishAsync(topic, payload, { qos: 1 });
      sent++;
    }
    await slowGone;
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'client-error', client: 'dash-slow', reason: 'drain timeout' }),
    );
    await roundTrip(gw, fast, topic, 'after the slow one left');
    expect(received).toBeGreaterThanOrEqual(sent);
  });
});
