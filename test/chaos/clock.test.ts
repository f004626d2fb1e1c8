import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

  /** Publishes an entry read stamped `ts`, then one on time (苏F…) whose display shows the first was handled. */
  async function enterLate(plate: string, ts: number, onTime = c.clock.now()): Promise<void> {
    await camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', plate, ts), { qos: 1 });
    await enter(`苏F${plate.slice(2)}`, onTime);
  }

  const openExceptions = (kind: string, plate: string) =>
    gw()
      .ledger.listExceptions('s1', 'open')
      .filter((e) => e.kind === kind && e.readPlate === plate);

  // Issue #25: a read delivered late opened the barrier as soon as its delay passed the skew limit (its time was
  // replaced by the arrival time). Reads 3, 6 and 60 minutes late, and reads from a clock a day off, open nothing.
  it.each([
    ['3 minutes late (clock good: recorded at its own time)', '苏E60011', -3 * MIN, 'lateRead', 'late'],
    ['6 minutes late (past the skew limit: clock untrusted)', '苏E60012', -6 * MIN, 'clockSkew', 'clock'],
    ['60 minutes late', '苏E60013', -60 * MIN, 'clockSkew', 'clock'],
    ['stamped a day in the past (wrong clock)', '苏E60014', -24 * 60 * MIN, 'clockSkew', 'clock'],
    ['stamped a day in the future (wrong clock)', '苏E60015', 24 * 60 * MIN, 'clockSkew', 'clock'],
  ])(
    'a read %s opens nothing, starts no session, is shown to staff and counted',
    async (_what, plate, offset, kind, why) => {
      const now = c.clock.now();
      const commandsBefore = commands.length;
      const lateBefore = gw().metrics.count('gateway_late_reads_total', { site: 's1', why });
      const shown: Display[] = [];
      const onDisplay = (_topic: string, buf: Buffer) => shown.push(JSON.parse(buf.toString()) as Display);
      ledIn.on('message', onDisplay);
      await enterLate(plate, now + offset);
      ledIn.off('message', onDisplay);
      expect(gw().ledger.findOpenSession('s1', plate)).toBeNull();
      const [decision] = gw()
        .ledger.recentDecisions('s1', 'g1', 'entry', 5)
        .filter((d) => d.plate === plate);
      // A clock judged good dates the read by its own time; an untrusted one by its arrival.
      expect(decision).toMatchObject({ plate, action: 'late', at: why === 'late' ? now + offset : now });
      // Only the read on time after it commanded the barrier and showed on the panel (the barrier's copy of the
      // command may arrive after the panel's: wait for it).
      const onTime = `苏F${plate.slice(2)}`;
      await vi.waitFor(() => expect(commands.slice(commandsBefore)).toContain(onTime), {
        timeout: 10_000,
        interval: 10,
      });
      expect(commands.slice(commandsBefore)).not.toContain(plate);
      expect(shown.map((d) => d.lines[0])).toEqual([onTime]);
      expect(openExceptions(kind, plate)).toHaveLength(1);
      expect(gw().metrics.count('gateway_late_reads_total', { site: 's1', why }) - lateBefore).toBe(1);
    },
  );

  it('trusts a device time inside the skew window and the stale limit', async () => {
    const now = c.clock.now();
    await enter('苏E60003', now - STALE_READ_MS + 1000);
    expect(gw().ledger.findOpenSession('s1', '苏E60003')?.entryAt).toBe(now - STALE_READ_MS + 1000);
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

  // Last: the camera's clock stays judged 4 min ahead for the clock window (30 min) after this.
  it('judges a camera by its recent messages: a read from a clock seen running ahead is older than it looks', async () => {
    expect(MAX_CLOCK_SKEW_MS).toBeGreaterThan(4 * MIN);
    // The camera's status, sent on time, shows its clock 4 min ahead (within the skew limit, so a sample)...
    const now = c.clock.now();
    await camIn.publishAsync(
      'parking/s1/device/cam-in/status',
      JSON.stringify({
        eventId: 'cam-in-boot-2',
        ts: now + 4 * MIN,
        deviceId: 'cam-in',
        kind: 'camera',
        online: true,
        firmware: 'v1',
      }),
      { qos: 1 },
    );
    // ...so a read that looks 1 min old by that clock was taken 5 min ago: the car has gone.
    await enterLate('苏E60016', now - MIN, now + 4 * MIN);
    expect(gw().ledger.findOpenSession('s1', '苏E60016')).toBeNull();
    expect(openExceptions('lateRead', '苏E60016')).toHaveLength(1);
  });
});
