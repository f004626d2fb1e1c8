import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../../test/support/harness.ts';
import { silentLogger } from '../../app/logger.ts';
import { type ParsedMessage, topicsFor } from '../../protocol/index.ts';
import { DRAINING_LAG_MS, MqttLink } from './mqtt-link.ts';

const identities = [
  { username: 'gateway', identity: { role: 'gateway' as const, site: '*' } },
  { username: 'sensor-A1', identity: { role: 'spaceSensor' as const, site: 's1', space: 'A1', device: 'sensor-A1' } },
  { username: 'cam-in', identity: { role: 'camera' as const, site: 's1', gate: 'g1', device: 'cam-in' } },
];

describe('MqttLink: gate and telemetry on their own connections (#25)', () => {
  let broker: TestBroker | null = null;
  let link: MqttLink | null = null;
  afterEach(async () => {
    await link?.stop();
    link = null;
    await broker?.stop();
    broker = null;
  });

  async function start(now: () => number): Promise<{ got: ParsedMessage[]; link: MqttLink }> {
    broker ??= await startTestBroker({ identities });
    const got: ParsedMessage[] = [];
    link = new MqttLink({
      url: broker.url,
      clientId: 'gateway',
      username: 'gateway',
      password: broker.passwords.get('gateway'),
      topics: topicsFor('parking'),
      sites: ['s1'],
      onMessage: (message) => {
        got.push(message);
      },
      onRejected: () => {},
      now,
      log: silentLogger,
    });
    await link.start();
    return { got, link };
  }

  const state = (sensor: MqttClient, i: number, ts: number) =>
    sensor.publishAsync(
      'parking/s1/space/A1/state',
      JSON.stringify({ eventId: `s-${i}`, ts, deviceId: 'sensor-A1', occupied: i % 2 === 0 }),
      { qos: 1 },
    );

  it('says it is draining while the messages it takes were sent long ago, and not once they are fresh', async () => {
    const now = 1_767_225_600_000;
    const { got, link } = await start(() => now);
    const sensor = await broker!.connect('sensor-A1');
    for (let i = 0; i < 10; i++) await state(sensor, i, now - 3 * DRAINING_LAG_MS);
    await vi.waitFor(() => expect(got).toHaveLength(10));
    expect(link.status().telemetry).toMatchObject({ connected: true, draining: true, lagMs: 3 * DRAINING_LAG_MS });
    expect(link.status().gate).toMatchObject({ connected: true, draining: false, lagMs: null });
    // Fresh messages again: the median of the recent ones is back under the limit.
    for (let i = 10; i < 80; i++) await state(sensor, i, now - 50);
    await vi.waitFor(() => expect(got).toHaveLength(80));
    expect(link.status().telemetry).toMatchObject({ draining: false, lagMs: 50 });
  });

  it('takes over a session from before the split: the gate connection no longer receives space states', async () => {
    broker = await startTestBroker({ identities });
    // The old gateway: one persistent session 'gateway' subscribed to every device topic.
    const old = await broker.connect('gateway', { clean: false });
    await old.subscribeAsync({ 'parking/s1/space/+/state': { qos: 1 }, 'parking/s1/gate/+/plate': { qos: 1 } });
    await old.endAsync();
    const now = Date.now();
    const { got } = await start(() => now);
    const sensor = await broker.connect('sensor-A1');
    const camera = await broker.connect('cam-in');
    await state(sensor, 1, now);
    await camera.publishAsync(
      'parking/s1/gate/g1/plate',
      JSON.stringify({
        eventId: 'p-1',
        ts: now,
        deviceId: 'cam-in',
        lane: 'entry',
        plate: '苏E12345',
        colour: 'blue',
        confidence: 0.98,
        cameraId: 'cam-in',
      }),
      { qos: 1 },
    );
    await vi.waitFor(() => expect(got.map((m) => m.kind).sort()).toEqual(['plate', 'spaceState']));
    // One each: a space state delivered on both connections would be taken twice.
    await state(sensor, 2, now);
    await vi.waitFor(() => expect(got.filter((m) => m.kind === 'spaceState')).toHaveLength(2));
    expect(got).toHaveLength(3);
  });
});
