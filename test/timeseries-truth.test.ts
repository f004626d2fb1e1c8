import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEvent } from '../gateway/src/app/live-events.ts';
import { silentLogger } from '../gateway/src/app/logger.ts';
import { parseEnv } from '../gateway/src/config/config.ts';
import { ManualClock } from '../gateway/src/domain/clock.ts';
import { OPENING_REASONS, type ReasonCode } from '../gateway/src/domain/gate/reason-catalogue.ts';
import { type RunningGateway, startGateway } from '../gateway/src/main.ts';
import { type Community, startCommunityBroker, until } from './chaos/support/run-day.ts';
import { type RestartableServer, startInfluxDb1 } from './servers.ts';
import { nextMessage, plateEvent, testConfigYaml } from './support/community.ts';

type Display = { lines: string[]; colour: string };

/**
 * A day of gate traffic through the whole gateway into a real InfluxDB 1.6.7, then the series read back against the
 * ledger: revenue equals the payments (terminal, callback held for a plate, settled held exit), passages equal the
 * barrier commands (a late read, a hold and a denial pass nobody), and decisions carry the user class.
 */
describe('the time series tells what the ledger says', () => {
  let influx: RestartableServer;
  let c: Community;
  let gateway: RunningGateway;
  const clock = new ManualClock(Date.parse('2026-03-02T08:00:00+08:00'));
  const events: unknown[] = [];
  let devices: Record<'camIn' | 'camOut' | 'ledIn' | 'ledOut' | 'pay', MqttClient>;

  beforeAll(async () => {
    influx = await startInfluxDb1();
    const created = await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE parking')}`, {
      method: 'POST',
    });
    expect(created.status).toBe(200);
    c = await startCommunityBroker(testConfigYaml({ capacity: 100, reserve: 0 }));
    const env = parseEnv({
      MQTT_URL: c.brokerUrl,
      MQTT_USERNAME: 'gateway',
      MQTT_PASSWORD: c.passwords.get('gateway'),
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DATA_DIR: c.dir,
    });
    const influxEnv = { INFLUX_URL: influx.url, INFLUX_MODE: 'v1', INFLUX_DB: 'parking' };
    gateway = await startGateway({ configFile: c.configFile, env, clock, log: silentLogger, influxEnv, cron: false });
    gateway.gateway.bus.subscribe((event) => events.push(event));
    const { registry } = gateway.gateway;
    expect(registry.households.put({ site: 's1', id: 'H1', room: '1栋101' }).ok).toBe(true);
    expect(registry.vehicles.put({ site: 's1', plate: '京A00001', household: 'H1' }).ok).toBe(true);
    expect(registry.blacklist.put({ site: 's1', plate: '粤C00002', reason: '逃费' }).ok).toBe(true);
    devices = {
      camIn: await c.connect('cam-in'),
      camOut: await c.connect('cam-out'),
      ledIn: await c.connect('led-in'),
      ledOut: await c.connect('led-out'),
      pay: await c.connect('pay-out'),
    };
  });

  afterAll(async () => {
    await gateway?.stop();
    await c?.stop();
    await influx?.stop();
  });

  /** A device message a second after the last: two points of one measurement with the same tags in the same
   * millisecond would be one point in InfluxDB (docs/timeseries.md). */
  async function read(lane: 'entry' | 'exit', plate: string, ts?: number): Promise<Display> {
    clock.advance(1000);
    const [camera, led, device] =
      lane === 'entry' ? [devices.camIn, devices.ledIn, 'cam-in'] : [devices.camOut, devices.ledOut, 'cam-out'];
    // This read's own display (its first line is the plate): an earlier display may still be on its way.
    return nextMessage<Display>(
      led,
      'parking/s1/gate/g1/display',
      () =>
        camera.publishAsync('parking/s1/gate/g1/plate', plateEvent(device, lane, plate, ts ?? clock.now()), {
          qos: 1,
        }),
      (shown) => shown.lines[0] === plate,
    );
  }

  async function pay(eventId: string, plate: string, amountFen: number): Promise<void> {
    const payload = {
      eventId,
      ts: clock.now(),
      deviceId: 'pay-out',
      sessionId: null,
      plate,
      amountFen,
      method: 'wechat',
      terminalId: 'pay-out',
    };
    await devices.pay.publishAsync('parking/s1/gate/g1/payment', JSON.stringify(payload), { qos: 1 });
  }

  async function influxValue(q: string): Promise<number> {
    const body = (await (
      await fetch(`${influx.url}/query?db=parking&q=${encodeURIComponent(q)}`, { method: 'POST' })
    ).json()) as { results: { series?: { values: [string, number][] }[] }[] };
    return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
  }

  it('revenue sums to the payments, passages count the barrier commands, decisions carry the user class', async () => {
    const ledger = gateway.gateway.ledger;
    // A resident in and out (free); a visitor in, held at the exit, then paying at the terminal (the held exit opens).
    await read('entry', '京A00001');
    await read('entry', '苏E00003');
    clock.advance(30 * 60_000);
    await read('exit', '京A00001');
    clock.advance(60 * 60_000);
    const held = await read('exit', '苏E00003');
    expect(held.colour).toBe('yellow');
    const due = ledger.findOpenSession('s1', '苏E00003');
    const dueFen = gateway.gateway.fees.quoteSession(due!, [], clock.now()).dueFen;
    expect(dueFen).toBeGreaterThan(0);
    clock.advance(20_000);
    await nextMessage(
      devices.ledOut,
      'parking/s1/gate/g1/display',
      () => pay('p-1', '苏E00003', dueFen),
      (shown: Display) => shown.lines[0] === '苏E00003' && shown.colour === 'green',
    );
    // The same terminal event again (a redelivery): no second payment, no second revenue point.
    await pay('p-1', '苏E00003', dueFen);
    // An online payment for a plate with no session (kept), then that car read at the exit with no entry record.
    clock.advance(60_000);
    const callback = await gateway.gateway.gate.onPayment({
      site: 's1',
      payment: {
        sessionId: null,
        plate: '浙B00004',
        amountFen: 1000,
        method: 'alipay',
        paymentId: 'callback/cb-1',
        source: 'callback',
      },
      at: clock.now(),
    });
    expect(callback).toMatchObject({ ok: true, held: true, applied: true });
    clock.advance(10_000);
    await read('exit', '浙B00004');
    // A visitor held at the exit and let out by staff, a blacklisted car denied, a read that arrives 3 minutes late.
    await read('entry', '苏E00005');
    clock.advance(2 * 60 * 60_000);
    expect((await read('exit', '苏E00005')).colour).toBe('yellow');
    clock.advance(1000);
    const manual = await gateway.gateway.gate.manualOpen({
      site: 's1',
      gate: 'g1',
      lane: 'exit',
      actor: 'staff-wang',
      reason: '车主现金已付',
      plate: '苏E00005',
    });
    expect(manual.ok).toBe(true);
    // A visitor held at the exit who pays staff at the booth (the staff charge route's payment).
    await read('entry', '苏E00007');
    clock.advance(2 * 60 * 60_000);
    expect((await read('exit', '苏E00007')).colour).toBe('yellow');
    const booth = ledger.findOpenSession('s1', '苏E00007')!;
    const boothFen = gateway.gateway.fees.quoteSession(booth, [], clock.now()).dueFen;
    const charged = await gateway.gateway.gate.onPayment({
      site: 's1',
      payment: {
        sessionId: booth.id,
        plate: null,
        amountFen: boothFen,
        method: 'cash',
        paymentId: 'staff/b-1',
        source: 'staff',
      },
      at: clock.now(),
    });
    expect(charged).toMatchObject({ ok: true, applied: true, dueFen: 0 });
    await read('entry', '粤C00002');
    // The late read shows nothing (#16.4): wait for its decision in the ledger instead of a display.
    clock.advance(1000);
    await devices.camIn.publishAsync(
      'parking/s1/gate/g1/plate',
      plateEvent('cam-in', 'entry', '苏E00006', clock.now() - 3 * 60_000),
      { qos: 1 },
    );
    await until('the late read recorded', () =>
      ledger.recentDecisions('s1', 'g1', 'entry', 5).some((d) => d.plate === '苏E00006' && d.action === 'late'),
    );

    await until('every payment in the ledger', () => ledger.paymentsInRange('s1', 0, clock.now() + 1).length === 3);
    const status = () => {
      const s = gateway.gateway.timeSeries.status();
      if (s.target !== 'influxdb') throw new Error('time series not on InfluxDB');
      return s;
    };
    await until('the outbox drained', () => status().outboxSize === 0, 30_000, 100);

    const payments = ledger.paymentsInRange('s1', 0, clock.now() + 1);
    const paidFen = payments.reduce((sum, p) => sum + p.amountFen, 0);
    expect(paidFen).toBe(dueFen + 1000 + boothFen);
    expect(await influxValue('SELECT sum("amount_fen") FROM revenue')).toBe(paidFen);
    expect(await influxValue('SELECT count("amount_fen") FROM revenue')).toBe(3);
    expect(await influxValue(`SELECT sum("amount_fen") FROM revenue WHERE "user_class" = 'visitor'`)).toBe(
      dueFen + boothFen,
    );
    expect(await influxValue(`SELECT sum("amount_fen") FROM revenue WHERE "method" = 'cash'`)).toBe(boothFen);

    const decisions = gateway.gateway.db.prepare('SELECT action, display FROM decisions').all() as {
      action: string;
      display: string;
    }[];
    const commands = decisions.filter((d) => (JSON.parse(d.display) as { commandId: string | null }).commandId);
    // Resident in/out, visitor in + paid exit, no-entry exit, visitor in + manual open, visitor in + booth payment.
    expect(commands).toHaveLength(9);
    expect(decisions.some((d) => d.action === 'late')).toBe(true);
    // Only the reasons the catalogue marks as opening sent a command (docs/protocol.md "Reason codes").
    const rows = gateway.gateway.db.prepare('SELECT action, reason, display FROM decisions').all() as {
      action: string;
      reason: ReasonCode;
      display: string;
    }[];
    for (const row of rows.filter((r) => r.action !== 'late' && r.action !== 'repeat')) {
      const commanded = (JSON.parse(row.display) as { commandId: string | null }).commandId !== null;
      expect(commanded, row.reason).toBe(OPENING_REASONS.has(row.reason));
    }
    expect(await influxValue('SELECT count("count") FROM gate_passage')).toBe(commands.length);
    expect(await influxValue('SELECT count("count") FROM gate_decision')).toBe(decisions.length);
    expect(await influxValue(`SELECT count("count") FROM gate_decision WHERE "class" = 'owner'`)).toBe(2);
    // Every live event the gateway emitted has the one shape its schema gives.
    for (const event of events) expect(LiveEvent.safeParse(event).error).toBeUndefined();
    expect(events.length).toBeGreaterThan(20);
  }, 120_000);
});
