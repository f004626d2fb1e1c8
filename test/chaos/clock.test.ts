import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, STALE_READ_MS } from '../../gateway/src/app/gate-service.ts';
import { type Community, nextMessage, plateEvent, startCommunity, testConfigYaml } from '../support/community.ts';

type Display = { lines: string[] };
const MIN = 60_000;

/** The time rules of docs/operations.md "Time", through a real broker: device clocks are not trusted blindly. */
describe('device clocks that are wrong, and events out of order', () => {
  let c: Community;
  let camIn: MqttClient;
  let camOut: MqttClient;
  let ledIn: MqttClient;
  let ledOut: MqttClient;
  let sensor: MqttClient;
  const commands: string[] = [];

  beforeAll(async () => {
    c = await startCommunity({ yaml: testConfigYaml({ capacity: 100, reserve: 0 }) });
    camIn = await c.device('cam-in');
    camOut = await c.device('cam-out');
    ledIn = await c.device('led-in');
    ledOut = await c.device('led-out');
    sensor = await c.device('sensor-A1');
    const barrier = await c.device('bar-in');
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', function onCommand(_topic, buf) {
      commands.push((JSON.parse(buf.toString()) as { plate: string }).plate);
    });
  });

  afterAll(async () => {
    await c?.stop();
  });

  const gw = () => c.gateway.gateway;

  async function enter(plate: string, ts: number): Promise<Display> {
    return nextMessage<Display>(ledIn, 'parking/s1/gate/g1/display', () =>
      camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', plate, ts), { qos: 1 }),
    );
  }

  it('uses the receive time, and counts it, for a read stamped a day in the future or the past', async () => {
    const skewed = () => gw().metrics.count('gateway_clock_skew_total', { site: 's1' });
    const before = skewed();
    const now = c.clock.now();
    await enter('苏E60001', now + 24 * 3600_000);
    await enter('苏E60002', now - 24 * 3600_000);
    expect(gw().ledger.findOpenSession('s1', '苏E60001')?.entryAt).toBe(now);
    // Far in the past is a wrong clock, not a late read: the car is let in.
    expect(gw().ledger.findOpenSession('s1', '苏E60002')?.entryAt).toBe(now);
    expect(skewed() - before).toBe(2);
  });

  it('trusts a device time inside the skew window', async () => {
    const now = c.clock.now();
    await enter('苏E60003', now + MAX_CLOCK_SKEW_MS - MIN);
    expect(gw().ledger.findOpenSession('s1', '苏E60003')?.entryAt).toBe(now + MAX_CLOCK_SKEW_MS - MIN);
  });

  it('records a read that arrives more than 2 minutes late, but opens nothing and starts no session', async () => {
    const now = c.clock.now();
    const commandsBefore = commands.length;
    const shown: Display[] = [];
    ledIn.on('message', (_topic, buf) => shown.push(JSON.parse(buf.toString()) as Display));
    await camIn.publishAsync(
      'parking/s1/gate/g1/plate',
      plateEvent('cam-in', 'entry', '苏E60004', now - STALE_READ_MS - MIN),
      { qos: 1 },
    );
    // A read that is on time afterwards is served, and only it commands the barrier and shows on the panel: the late
    // one showed nothing (a green welcome while the barrier stays shut would mislead whoever is there now, #16.4).
    await enter('苏E60005', c.clock.now());
    expect(gw().ledger.findOpenSession('s1', '苏E60004')).toBeNull();
    const [late] = gw()
      .ledger.recentDecisions('s1', 'g1', 'entry', 2)
      .filter((d) => d.plate === '苏E60004');
    expect(late).toMatchObject({ plate: '苏E60004', action: 'late' });
    expect(commands.slice(commandsBefore)).toEqual(['苏E60005']);
    expect(shown.map((d) => d.lines[0])).toEqual(['苏E60005']);
  });

  it('charges no negative stay when the exit camera’s clock is behind the entry camera’s', async () => {
    const now = c.clock.now();
    await enter('苏E60006', now);
    const shown = await nextMessage<Display>(ledOut, 'parking/s1/gate/g1/display', () =>
      camOut.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '苏E60006', now - 2 * MIN), {
        qos: 1,
      }),
    );
    const session = gw().ledger.searchSessions('s1', { plate: '苏E60006', limit: 1, offset: 0 }).items[0];
    expect(session).toMatchObject({ status: 'closed', feeFen: 0 });
    expect(session?.exitAt).toBe(now - 2 * MIN);
    expect(shown.lines.join(' ')).toContain('苏E60006');
  });

  it('drops a space reading older than the last one from the same sensor, and counts it', async () => {
    const now = c.clock.now();
    const rejected = () => gw().metrics.count('gateway_rejected_total', { reason: 'space-outOfOrder' });
    const before = rejected();
    const reading = (eventId: string, occupied: boolean, ts: number) =>
      JSON.stringify({ eventId, ts, deviceId: 'sensor-A1', occupied });
    await sensor.publishAsync('parking/s1/space/A1/state', reading('r1', true, now), { qos: 1 });
    await sensor.publishAsync('parking/s1/space/A1/state', reading('r0', false, now - 30_000), { qos: 1 });
    // A later message through the same gateway connection shows the two were handled.
    await enter('苏E60007', c.clock.now());
    expect(rejected() - before).toBe(1);
  });
});
