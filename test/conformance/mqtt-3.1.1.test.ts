import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../broker/src/broker.ts';
import { conformanceCredentials, PASSWORD, RawClient } from './raw-client.ts';

// MQTT 3.1.1 (OASIS Standard, 29 October 2014) behaviour our devices rely on, checked against our broker.
const OCC = 'parking/s1/occupancy';
const OCC2 = 'parking/s2/occupancy';

describe('MQTT 3.1.1 conformance of the broker (startBroker on port 0)', () => {
  let broker: RunningBroker;
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];

  beforeAll(async () => {
    broker = await startBroker({ credentials: await conformanceCredentials(), port: 0, wsPort: null, log: () => {} });
  });
  afterAll(async () => {
    for (const r of raws) r.destroy();
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.stop();
  });

  async function client(username: string, opts: IClientOptions = {}): Promise<MqttClient> {
    const c = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      username,
      password: PASSWORD,
      clientId: username,
      reconnectPeriod: 0,
      ...opts,
    });
    clients.push(c);
    return c;
  }

  async function raw(username: string, opts: Parameters<typeof RawClient.connected>[2] = {}) {
    const r = await RawClient.connected(broker.port, username, opts);
    raws.push(r.client);
    return r;
  }

  function message(c: MqttClient, topic: string): Promise<{ payload: string; retain: boolean; qos: number }> {
    return new Promise((resolve) => {
      c.on('message', function onMessage(t, payload, packet) {
        if (t !== topic) return;
        c.off('message', onMessage);
        resolve({ payload: payload.toString(), retain: packet.retain, qos: packet.qos });
      });
    });
  }

  it('[MQTT-3.1.0-1] a first packet that is not CONNECT closes the connection without a CONNACK', async () => {
    const r = await RawClient.open(broker.port);
    raws.push(r);
    r.send({ cmd: 'publish', topic: OCC, payload: 'x', qos: 0, retain: false, dup: false });
    await r.closed;
    expect(r.packets.filter((p) => p.cmd === 'connack')).toEqual([]);
  });

  it('[MQTT-3.1.0-2] a second CONNECT is a protocol violation and disconnects the client', async () => {
    const { client: r, connack } = await raw('gw', { clientId: 'gw-twice' });
    expect(connack).toMatchObject({ returnCode: 0 });
    r.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'gw-twice', keepalive: 0 });
    await r.closed;
  });

  it('[MQTT-3.1.3-8] an empty client id with CleanSession 0 gets CONNACK 0x02 (identifier rejected) and is closed', async () => {
    // mqtt-packet refuses to encode this CONNECT, so it is written by hand (MQTT 3.1.1 §3.1).
    const str = (s: string) => {
      const b = Buffer.from(s);
      return Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
    };
    const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc0, 0, 0]), str(''), str('gw'), str(PASSWORD)]);
    const r = await RawClient.open(broker.port);
    raws.push(r);
    r.socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
    expect(await r.next('connack')).toMatchObject({ returnCode: 2, sessionPresent: false });
    await r.closed;
  });

  it('[MQTT-3.1.3-9] a client id the server does not allow (not the username) gets CONNACK 0x02 and is closed', async () => {
    const r = await RawClient.open(broker.port);
    raws.push(r);
    r.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'not-gw',
      keepalive: 0,
      username: 'gw',
      password: Buffer.from(PASSWORD),
    });
    expect(await r.next('connack')).toMatchObject({ returnCode: 2 });
    await r.closed;
  });

  it('[MQTT-3.1.4-2] a second connection with the same client id disconnects the first', async () => {
    const first = await client('gw', { clientId: 'gw-dup' });
    const gone = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await client('gw', { clientId: 'gw-dup' });
    await gone;
    expect(second.connected).toBe(true);
  });

  it('[MQTT-3.1.2-4] [MQTT-3.2.2-2] CleanSession 0 resumes the stored session: Session Present and subscriptions kept', async () => {
    const first = await client('gw', { clientId: 'gw-persist', clean: false });
    await first.subscribeAsync(OCC, { qos: 1 });
    await first.endAsync();
    const again = await client('gw', { clientId: 'gw-persist', clean: false, resubscribe: false });
    const received = message(again, OCC);
    const pub = await client('gw', { clientId: 'gw-pub-1' });
    await pub.publishAsync(OCC, 'after resume', { qos: 1 });
    expect((await received).payload).toBe('after resume');
  });

  it('[MQTT-3.1.2-5] QoS 1 messages published while a CleanSession 0 client is away are stored and delivered', async () => {
    const sub = await raw('gw', { clientId: 'gw-away', clean: false });
    sub.client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: OCC2, qos: 1 }] });
    await sub.client.next('suback');
    sub.client.send({ cmd: 'disconnect' });
    await sub.client.closed;
    const pub = await client('gw', { clientId: 'gw-pub-2' });
    await pub.publishAsync(OCC2, 'while away', { qos: 1 });
    const back = await raw('gw', { clientId: 'gw-away', clean: false });
    expect(back.connack).toMatchObject({ returnCode: 0, sessionPresent: true });
    const delivered = await back.client.next('publish');
    expect(delivered).toMatchObject({ topic: OCC2, qos: 1 });
    expect(String((delivered as { payload: Buffer }).payload)).toBe('while away');
  });

  it('[MQTT-3.1.2-6] [MQTT-3.2.2-1] CleanSession 1 discards the previous session and its stored messages', async () => {
    const sub = await raw('gw', { clientId: 'gw-clean', clean: false });
    sub.client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: OCC2, qos: 1 }] });
    await sub.client.next('suback');
    sub.client.destroy();
    await sub.client.closed;
    const clean = await raw('gw', { clientId: 'gw-clean', clean: true });
    expect(clean.connack).toMatchObject({ returnCode: 0, sessionPresent: false });
    clean.client.send({ cmd: 'disconnect' });
    await clean.client.closed;
    const pub = await client('gw', { clientId: 'gw-pub-3' });
    await pub.publishAsync(OCC2, 'nobody subscribed', { qos: 1 });
    const again = await raw('gw', { clientId: 'gw-clean', clean: false });
    expect(again.connack).toMatchObject({ returnCode: 0, sessionPresent: false });
    // A PINGRESP proves the broker has sent everything it had queued before it.
    again.client.send({ cmd: 'pingreq' });
    await again.client.next('pingresp');
    expect(again.client.packets.filter((p) => p.cmd === 'publish')).toEqual([]);
  });

  for (const qos of [1, 2] as const) {
    it(`[MQTT-4.4.0-1] an unacknowledged QoS ${qos} PUBLISH is resent on reconnect with its packet id (DUP: see below)`, async () => {
      const topic = qos === 1 ? OCC : OCC2;
      const sub = await raw('gw', { clientId: `gw-redeliver-${qos}`, clean: false });
      sub.client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] });
      await sub.client.next('suback');
      const pub = await client('gw', { clientId: `gw-pub-r${qos}` });
      await pub.publishAsync(topic, `unacked ${qos}`, { qos });
      const first = (await sub.client.next('publish')) as { messageId: number; dup: boolean; qos: number };
      expect(first).toMatchObject({ qos, dup: false });
      sub.client.destroy(); // no PUBACK / PUBREC
      await sub.client.closed;
      const back = await raw('gw', { clientId: `gw-redeliver-${qos}`, clean: false });
      expect(back.connack).toMatchObject({ sessionPresent: true });
      const again = (await back.client.next('publish')) as { messageId: number; dup: boolean; payload: Buffer };
      expect(again).toMatchObject({ messageId: first.messageId, qos });
      // Known deviation: aedes 1.x resends without DUP ([MQTT-3.3.1-1]); nothing of ours reads DUP, the gateway
      // dedups on eventId. When aedes sets it, this fails: update docs/security.md and assert dup: true.
      expect(again.dup).toBe(false);
      expect(String(again.payload)).toBe(`unacked ${qos}`);
    });
  }

  it('[MQTT-3.3.1-5] [MQTT-3.3.1-8] a retained message is stored and sent to a later subscriber with RETAIN set', async () => {
    const pub = await client('gw', { clientId: 'gw-retain' });
    await pub.publishAsync('parking/s3/occupancy', 'retained', { qos: 1, retain: true });
    const later = await client('gw', { clientId: 'gw-late' });
    const received = message(later, 'parking/s3/occupancy');
    await later.subscribeAsync('parking/s3/occupancy', { qos: 1 });
    expect(await received).toMatchObject({ payload: 'retained', retain: true });
  });

  it('[MQTT-3.3.1-10] [MQTT-3.3.1-11] a retained PUBLISH with an empty payload clears the retained message', async () => {
    const pub = await client('gw', { clientId: 'gw-clear' });
    await pub.publishAsync('parking/s4/occupancy', 'to be cleared', { qos: 1, retain: true });
    await pub.publishAsync('parking/s4/occupancy', '', { qos: 1, retain: true });
    const { client: late } = await raw('gw', { clientId: 'gw-after-clear' });
    late.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'parking/s4/occupancy', qos: 1 }] });
    await late.next('suback');
    late.send({ cmd: 'pingreq' });
    await late.next('pingresp');
    expect(late.packets.filter((p) => p.cmd === 'publish')).toEqual([]);
  });

  it('[MQTT-3.1.2-8] the will is published when the connection closes abnormally', async () => {
    const watcher = await client('gw', { clientId: 'gw-will-watch' });
    const statusTopic = 'parking/s1/device/cam-n/status';
    await watcher.subscribeAsync(statusTopic, { qos: 1 });
    const received = message(watcher, statusTopic);
    const cam = await client('cam-n', {
      clientId: 'cam-n-will',
      will: { topic: statusTopic, payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    cam.stream.destroy();
    expect((await received).payload).toBe('gone');
  });

  it('[MQTT-3.1.2-10] [MQTT-3.14.4-3] the will is discarded, not published, after a DISCONNECT', async () => {
    const statusTopic = 'parking/s1/device/cam-n/status';
    const { client: watcher } = await raw('gw', { clientId: 'gw-will-quiet' });
    watcher.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: statusTopic, qos: 1 }] });
    await watcher.next('suback');
    const { client: cam } = await raw('cam-n', {
      clientId: 'cam-n-polite',
      will: {
        cmd: 'publish',
        topic: statusTopic,
        payload: Buffer.from('should not appear'),
        qos: 1,
        retain: false,
      } as never,
    });
    cam.send({ cmd: 'disconnect' });
    await cam.closed;
    // Then an abnormal close of another will-bearing connection: its will is the first thing the watcher sees.
    const { client: rude } = await raw('cam-n', {
      clientId: 'cam-n-rude',
      will: { cmd: 'publish', topic: statusTopic, payload: Buffer.from('rude'), qos: 1, retain: false } as never,
    });
    rude.destroy();
    const first = (await watcher.next('publish')) as { payload: Buffer };
    expect(String(first.payload)).toBe('rude');
  });

  it('[MQTT-3.3.5-1] overlapping subscriptions: the message is delivered at the maximum QoS of the matches', async () => {
    const { client: sub } = await raw('gw', { clientId: 'gw-overlap' });
    sub.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: 'parking/+/occupancy', qos: 0 },
        { topic: 'parking/s5/occupancy', qos: 1 },
      ],
    });
    expect(await sub.next('suback')).toMatchObject({ granted: [0, 1] });
    const pub = await client('gw', { clientId: 'gw-pub-overlap' });
    await pub.publishAsync('parking/s5/occupancy', 'overlap', { qos: 1 });
    sub.send({ cmd: 'pingreq' });
    await sub.next('pingresp');
    const copies = sub.packets.filter((p) => p.cmd === 'publish') as { qos: number }[];
    expect(copies.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...copies.map((c) => c.qos))).toBe(1);
  });

  it('[MQTT-3.9.3-1] [MQTT-3.9.3-2] a refused subscription gets 0x80 in its place, the others their granted QoS', async () => {
    const { client: dash } = await raw('dash', { clientId: 'dash-suback' });
    dash.send({
      cmd: 'subscribe',
      messageId: 7,
      subscriptions: [
        { topic: OCC, qos: 1 },
        { topic: 'parking/s1/gate/+/barrier/command', qos: 1 },
        { topic: '#', qos: 0 },
        { topic: 'parking/s1/report/+', qos: 0 },
      ],
    });
    const suback = (await dash.next('suback')) as { messageId: number; granted: number[] };
    expect(suback).toMatchObject({ messageId: 7, granted: [1, 0x80, 0x80, 0] });
    for (const code of suback.granted) expect([0, 1, 2, 0x80]).toContain(code);
  });

  it('[MQTT-3.1.2-24] a client silent for 1.5 × its keep alive is disconnected', async () => {
    const { client: idle, connack } = await raw('gw', { clientId: 'gw-idle', keepalive: 1 });
    expect(connack).toMatchObject({ returnCode: 0 });
    await idle.closed;
  });
});
