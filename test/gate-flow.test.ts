import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonDisplay } from '../gateway/src/domain/gate/reason-catalogue.ts';
import { type Community, nextMessage, plateEvent, startCommunity } from './support/community.ts';

type Command = { action: string; reasonCode: string; sessionId: string | null; plate: string | null; lane: string };
type Display = { lines: string[]; colour: string; voice?: string };

describe('the gate end to end, through a real aedes broker with real MQTT clients', () => {
  let c: Community;
  const HOUR = 3600_000;

  beforeAll(async () => {
    c = await startCommunity();
    const { registry } = c.gateway.gateway;
    expect(registry.households.put({ site: 's1', id: 'H501', room: '3栋2单元501' }).ok).toBe(true);
    expect(registry.vehicles.put({ site: 's1', plate: '京A12345', household: 'H501' }).ok).toBe(true);
    const now = c.clock.now();
    expect(
      registry.visitors.put({
        site: 's1',
        id: 'v1',
        plate: '沪B77777',
        host: 'H501',
        validFrom: now - HOUR,
        validTo: now + 4 * HOUR,
        createdBy: 'test',
      }).ok,
    ).toBe(true);
    expect(registry.blacklist.put({ site: 's1', plate: '粤C66666', reason: '多次逃费' }).ok).toBe(true);
    // Both sensored spaces report free, so every space is known.
    const sensors = await Promise.all(['sensor-A1', 'sensor-A2'].map((id) => c.device(id)));
    const watcher = await c.device('dashboard');
    await nextMessage(
      watcher,
      'parking/s1/occupancy',
      async () => {
        for (const [i, s] of sensors.entries()) {
          await s.publishAsync(
            `parking/s1/space/A${i + 1}/state`,
            JSON.stringify({ eventId: 'init', ts: now, deviceId: `sensor-A${i + 1}`, occupied: false }),
            { qos: 1 },
          );
        }
        c.clock.advance(60_000);
      },
      (p: { zones: { id: string; free: number }[] }) => p.zones.find((z) => z.id === 'A')?.free === 2,
    );
  });

  afterAll(async () => {
    await c?.stop();
  });

  async function entry(plate: string): Promise<{ display: Display; command: Command | null }> {
    const camera = await c.device('cam-in');
    const barrier = await c.device('bar-in');
    const led = await c.device('led-in');
    let command: Command | null = null;
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', (_t, buf) => {
      command = JSON.parse(buf.toString()) as Command;
    });
    const display = await nextMessage<Display>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', plate, c.clock.now()), { qos: 1 }),
    );
    // The barrier command is published before the display, on the same connection, so it has arrived by now.
    await barrier.endAsync();
    return { display, command };
  }

  it('opens for a resident and greets them', async () => {
    const { display, command } = await entry('京A12345');
    expect(command).toMatchObject({ action: 'open', reasonCode: 'ENTRY_RESIDENT', plate: '京A12345', lane: 'entry' });
    expect(display.colour).toBe('green');
    expect(display.lines[0]).toBe('京A12345');
    const session = c.gateway.gateway.ledger.findOpenSession('s1', '京A12345');
    expect(session).toMatchObject({ credentialKind: 'resident', userClass: 'owner', entryGate: 'g1' });
  });

  it('opens for a pre-registered visitor within the window', async () => {
    const { command } = await entry('沪B77777');
    expect(command).toMatchObject({ action: 'open', reasonCode: 'ENTRY_VISITOR' });
  });

  it('denies a blacklisted car without opening', async () => {
    const { display, command } = await entry('粤C66666');
    expect(command).toBeNull();
    expect(display.colour).toBe('red');
    expect(c.gateway.gateway.ledger.findOpenSession('s1', '粤C66666')).toBeNull();
  });

  it('denies anti-passback: a plate already inside, read again well after its admission', async () => {
    // Within the repeat window (3 min) a second read is the same admission (#16.2); past it, a second entry.
    c.clock.advance(10 * 60_000);
    const { command } = await entry('京A12345');
    expect(command).toBeNull();
    const decisions = c.gateway.gateway.ledger.recentDecisions('s1', 'g1', 'entry', 1);
    expect(decisions[0]?.reason).toBe('DENY_PASSBACK');
  });

  it('lets temporary cars in while free spaces exceed the reserve, then says 车位已满', async () => {
    // Both sensored spaces become occupied, so only zone B (counted at the gates) has room.
    const watcher = await c.device('dashboard');
    await nextMessage(
      watcher,
      'parking/s1/occupancy',
      async () => {
        for (const n of [1, 2]) {
          const s = await c.device(`sensor-A${n}`);
          await s.publishAsync(
            `parking/s1/space/A${n}/state`,
            JSON.stringify({ eventId: 'full', ts: c.clock.now(), deviceId: `sensor-A${n}`, occupied: true }),
            { qos: 1 },
          );
        }
        c.clock.advance(60_000);
      },
      (p: { zones: { id: string; free: number }[] }) => p.zones.find((z) => z.id === 'A')?.free === 0,
    );
    const plates = ['苏E10001', '苏E10002', '苏E10003', '苏E10004', '苏E10005'];
    let denied: Display | null = null;
    for (const plate of plates) {
      c.clock.advance(1000);
      const { display, command } = await entry(plate);
      if (!command) {
        denied = display;
        break;
      }
      expect(command.reasonCode).toBe('ENTRY_TEMPORARY');
    }
    expect(denied?.lines.join(' ')).toContain('车位已满');
    const free = c.gateway.gateway.occupancy.free('s1');
    expect(free).toBeLessThanOrEqual(1);
  });

  it('charges at exit, waits for the pay terminal, then opens once paid', async () => {
    const gw = c.gateway.gateway;
    const session = gw.ledger.findOpenSession('s1', '苏E10001')!;
    c.clock.set(session.entryAt! + 3 * HOUR + 60_000); // 3h01m: 1 h free, then 3 started hours × ¥2 = ¥6
    const camera = await c.device('cam-out');
    const led = await c.device('led-out');
    const barrier = await c.device('bar-out');
    const pay = await c.device('pay-out');
    const shown = await nextMessage<Display>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '苏E10001', c.clock.now()), {
        qos: 1,
      }),
    );
    expect(shown.lines.join(' ')).toContain('6.00元');
    expect(gw.ledger.getSession(session.id)?.status).toBe('open');

    const shownAfter: (Display & { seconds: number })[] = [];
    led.on('message', (_topic, buf) => shownAfter.push(JSON.parse(buf.toString()) as Display & { seconds: number }));
    const command = await nextMessage<Command>(barrier, 'parking/s1/gate/g1/barrier/command', () =>
      pay.publishAsync(
        'parking/s1/gate/g1/payment',
        JSON.stringify({
          eventId: 'pay-1',
          ts: c.clock.now(),
          deviceId: 'pay-out',
          sessionId: session.id,
          plate: null,
          amountFen: 600,
          method: 'wechat',
          terminalId: 'pay-out',
        }),
        { qos: 1 },
      ),
    );
    expect(command).toMatchObject({ action: 'open', reasonCode: 'EXIT_PAID', sessionId: session.id });
    // The panel says what the reason catalogue says for EXIT_PAID, as for a plate read that opens for a paid car.
    const expected = reasonDisplay('EXIT_PAID', { plate: '苏E10001' });
    // The display is published right after the command, on the same connection.
    for (let i = 0; i < 100 && shownAfter.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(shownAfter[0]).toMatchObject({
      lines: expected.lines,
      colour: expected.colour,
      seconds: expected.seconds,
      voice: expected.voice,
    });
    const closed = gw.ledger.getSession(session.id)!;
    expect(closed).toMatchObject({ status: 'closed', feeFen: 600, paidFen: 600, closeReason: 'EXIT_PAID' });
  });

  it('reads the car that just paid and left again 2 s later: the same departure, no phantom stay, no fee (#16.2)', async () => {
    const gw = c.gateway.gateway;
    const left = gw.ledger.lastClosedSession('s1', '苏E10001');
    expect(left?.closeReason).toBe('EXIT_PAID');
    c.clock.advance(2000);
    const camera = await c.device('cam-out');
    const led = await c.device('led-out');
    const shown = await nextMessage<Display>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '苏E10001', c.clock.now()), {
        qos: 1,
      }),
    );
    expect(shown.lines).toEqual(reasonDisplay('EXIT_PAID', { plate: '苏E10001' }).lines);
    expect(gw.ledger.findOpenSession('s1', '苏E10001')).toBeNull();
    expect(gw.ledger.lastClosedSession('s1', '苏E10001')?.id).toBe(left?.id);
    expect(gw.ledger.listExceptions('s1', 'open').filter((e) => e.plate === '苏E10001')).toEqual([]);
  });

  it('a held car that pays more than 15 minutes after its read opens nothing then; its next read opens in the paid window', async () => {
    const gw = c.gateway.gateway;
    const session = gw.ledger.findOpenSession('s1', '苏E10002')!;
    const camera = await c.device('cam-out');
    const led = await c.device('led-out');
    const barrier = await c.device('bar-out');
    const pay = await c.device('pay-out');
    const commands: Command[] = [];
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', (_t, buf) => commands.push(JSON.parse(buf.toString()) as Command));
    const shown = await nextMessage<Display>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '苏E10002', c.clock.now()), {
        qos: 1,
      }),
    );
    expect(shown.colour).toBe('yellow');
    expect(gw.ledger.heldExitOf('s1', session.id)).not.toBeNull();
    // The driver backs out of the lane and pays by phone 16 minutes later: the barrier stays shut (someone else may
    // stand there), and the money is on the session.
    c.clock.advance(16 * 60_000);
    const dueFen = gw.fees.quoteSession(session, [], c.clock.now()).dueFen;
    expect(dueFen).toBeGreaterThan(0);
    await pay.publishAsync(
      'parking/s1/gate/g1/payment',
      JSON.stringify({
        eventId: 'late-phone-pay',
        ts: c.clock.now(),
        deviceId: 'pay-out',
        sessionId: session.id,
        plate: null,
        amountFen: dueFen,
        method: 'alipay',
        terminalId: 'pay-out',
      }),
      { qos: 1 },
    );
    for (let i = 0; i < 100 && gw.ledger.paymentsFor(session.id).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(gw.ledger.getSession(session.id)).toMatchObject({ status: 'open', paidFen: dueFen });
    // Back at the barrier 1 minute later, inside the paid-exit window: read, and out.
    c.clock.advance(60_000);
    const command = await nextMessage<Command>(barrier, 'parking/s1/gate/g1/barrier/command', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '苏E10002', c.clock.now()), {
        qos: 1,
      }),
    );
    expect(command).toMatchObject({ reasonCode: 'EXIT_PAID_WINDOW', sessionId: session.id });
    expect(commands.map((m) => m.reasonCode)).toEqual(['EXIT_PAID_WINDOW']);
    expect(gw.ledger.getSession(session.id)).toMatchObject({ status: 'closed', exitAt: c.clock.now() });
    await barrier.endAsync();
  });

  it('ignores a camera publishing to another gate (refused by the broker)', async () => {
    const camera = await c.device('cam-in');
    const before = c.gateway.gateway.ledger.recentDecisions('s1', 'g2', 'entry', 10).length;
    await camera.publishAsync('parking/s1/gate/g2/plate', plateEvent('cam-in', 'entry', '京A99999', c.clock.now()), {
      qos: 1,
    });
    // A good read afterwards on the camera's own gate is served, so the refused one had its chance to arrive.
    await entry('京A12346');
    expect(c.gateway.gateway.ledger.recentDecisions('s1', 'g2', 'entry', 10).length).toBe(before);
  });

  it('refuses an entry camera that publishes an exit read naming the exit camera: no exit opens (#16.1)', async () => {
    const gw = c.gateway.gateway;
    const resident = gw.ledger.findOpenSession('s1', '京A12345');
    expect(resident?.status).toBe('open');
    const broker = c.broker!;
    const refusedBefore = broker.counters().refusedPublish;
    const exitDecisions = () => gw.ledger.recentDecisions('s1', 'g1', 'exit', 1000).length;
    const exitsBefore = exitDecisions();
    const barrier = await c.device('bar-out');
    const commands: Command[] = [];
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', (_t, buf) => commands.push(JSON.parse(buf.toString()) as Command));
    // The entry camera's own login, its own gate's topic, but a payload that claims to be the exit camera.
    const camIn = await c.device('cam-in');
    await camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '京A12345', c.clock.now()), {
      qos: 1,
    });
    // A good read afterwards is served, so the refused one had its chance to arrive.
    await entry('京A12347');
    expect(exitDecisions()).toBe(exitsBefore);
    expect(commands.filter((m) => m.lane === 'exit')).toEqual([]);
    expect(gw.ledger.getSession(resident!.id)?.status).toBe('open');
    expect(broker.counters().refusedPublish).toBe(refusedBefore + 1);
    await barrier.endAsync();
  });

  it('rejects and counts a malformed payload, and serves the next good one', async () => {
    const camera = await c.device('cam-in');
    const metrics = c.gateway.gateway.metrics;
    const before = metrics.total('gateway_rejected_total');
    await camera.publishAsync('parking/s1/gate/g1/plate', '{"plate": 42, ', { qos: 1 });
    await camera.publishAsync('parking/s1/gate/g1/plate', JSON.stringify({ eventId: 'x', plate: '京A1' }), { qos: 1 });
    c.clock.advance(1000);
    const { display } = await entry('京A12347');
    expect(display.lines[0]).toBe('京A12347');
    expect(metrics.count('gateway_rejected_total', { reason: 'bad-json' })).toBeGreaterThanOrEqual(1);
    expect(metrics.count('gateway_rejected_total', { reason: 'bad-payload' })).toBeGreaterThanOrEqual(1);
    expect(metrics.total('gateway_rejected_total') - before).toBe(2);
  });

  it('applies a redelivered plate event once', async () => {
    const camera = await c.device('cam-in');
    const led = await c.device('led-in');
    // A resident (reserved spaces), so the full lot does not turn the car away.
    c.gateway.gateway.registry.vehicles.put({ site: 's1', plate: '浙A55555', household: 'H501' });
    const payload = plateEvent('cam-in', 'entry', '浙A55555', c.clock.now());
    await nextMessage(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', payload, { qos: 1 }),
    );
    await nextMessage(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', payload, { qos: 1 }),
    );
    const sessions = c.gateway.gateway.ledger.searchSessions('s1', { plate: '浙A55555', limit: 10, offset: 0 });
    expect(sessions.total).toBe(1);
    expect(c.gateway.gateway.metrics.count('gateway_duplicate_events_total', { kind: 'plate' })).toBe(1);
  });

  it('reads a car just admitted again 3 s later: the same admission, same command id, no passback denial (#16.2)', async () => {
    c.gateway.gateway.registry.vehicles.put({ site: 's1', plate: '京A24680', household: 'H501' });
    const first = await entry('京A24680');
    c.clock.advance(3000);
    const again = await entry('京A24680');
    expect(again.command).toMatchObject({ reasonCode: 'ENTRY_RESIDENT', plate: '京A24680' });
    expect((again.command as (Command & { commandId: string }) | null)?.commandId).toBe(
      (first.command as (Command & { commandId: string }) | null)?.commandId,
    );
    expect(again.display.lines).toEqual(first.display.lines);
    expect(c.gateway.gateway.ledger.searchSessions('s1', { plate: '京A24680', limit: 10, offset: 0 }).total).toBe(1);
  });

  it('decides a new car sent under a reused event id on its own, never replaying the old command (#16.3)', async () => {
    const gw = c.gateway.gateway;
    const camera = await c.device('cam-in');
    const led = await c.device('led-in');
    const barrier = await c.device('bar-in');
    const commands: Command[] = [];
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', (_t, buf) => commands.push(JSON.parse(buf.toString()) as Command));
    gw.registry.vehicles.put({ site: 's1', plate: '浙A66666', household: 'H501' });
    gw.registry.vehicles.put({ site: 's1', plate: '浙A77777', household: 'H501' });
    const first = plateEvent('cam-in', 'entry', '浙A66666', c.clock.now(), { eventId: 'boot-000001' });
    await nextMessage(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', first, { qos: 1 }),
    );
    // The camera reboots, its counter starts again: the same event id, another car.
    c.clock.advance(60_000);
    const second = plateEvent('cam-in', 'entry', '浙A77777', c.clock.now(), { eventId: 'boot-000001' });
    const shown = await nextMessage<Display>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', second, { qos: 1 }),
    );
    expect(shown.lines[0]).toBe('浙A77777');
    expect(gw.ledger.findOpenSession('s1', '浙A77777')).not.toBeNull();
    const conflicts = gw.ledger.listExceptions('s1', 'open').filter((e) => e.kind === 'eventIdConflict');
    expect(conflicts).toEqual([
      expect.objectContaining({
        readPlate: '浙A77777',
        detail: expect.objectContaining({ previousPlate: '浙A66666' }),
      }),
    ]);
    // Its own redelivery is still a duplicate: shown again, no second session.
    await nextMessage(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', second, { qos: 1 }),
    );
    expect(gw.ledger.searchSessions('s1', { plate: '浙A77777', limit: 10, offset: 0 }).total).toBe(1);
    // Every command names the car it was for; none re-sent the first car's command for the second.
    for (let i = 0; i < 100 && commands.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(commands.map((m) => m.plate)).toEqual(['浙A66666', '浙A77777', '浙A77777']);
    expect(new Set(commands.map((m) => (m as Command & { commandId: string }).commandId)).size).toBe(2);
    await barrier.endAsync();
  });

  it('finds the open session fuzzily at exit when the camera misreads a character (2/Z)', async () => {
    const camera = await c.device('cam-out');
    const led = await c.device('led-out');
    await nextMessage(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync(
        'parking/s1/gate/g1/plate',
        plateEvent('cam-out', 'exit', '京A1Z345', c.clock.now(), { confidence: 0.95 }),
        { qos: 1 },
      ),
    );
    const decision = c.gateway.gateway.ledger.recentDecisions('s1', 'g1', 'exit', 1)[0]!;
    expect(decision).toMatchObject({ plate: '京A12345', readPlate: '京A1Z345' });
    expect(decision.fuzzy).toMatchObject({ read: '京A1Z345', matched: '京A12345' });
    const fuzzy = c.gateway.gateway.ledger
      .listExceptions('s1', 'open')
      .find((e) => e.kind === 'fuzzyMatch' && e.readPlate === '京A1Z345');
    expect(fuzzy?.plate).toBe('京A12345');
  });

  it('flags a visitor still inside past the registered window, once', async () => {
    const gate = c.gateway.gateway.gate;
    const visitor = c.gateway.gateway.ledger.findOpenSession('s1', '沪B77777')!;
    expect(gate.flagOverstays(visitor.visitorUntil! - 1)).toBe(0);
    expect(gate.flagOverstays(visitor.visitorUntil! + 60_000)).toBe(1);
    expect(gate.flagOverstays(visitor.visitorUntil! + 120_000)).toBe(0);
    const flagged = c.gateway.gateway.ledger.listExceptions('s1', 'open').filter((e) => e.kind === 'visitorOverstay');
    expect(flagged.map((e) => e.sessionId)).toEqual([visitor.id]);
  });

  it('keeps a payment that arrives before a car with no entry record is read at the exit, and lets the car out with it', async () => {
    const ledger = c.gateway.gateway.ledger;
    const pay = await c.device('pay-out');
    const barrier = await c.device('bar-out');
    const camera = await c.device('cam-out');
    const paidAt = c.clock.now() + 20_000;
    // The terminal's payment (made after the read, delivered first) names only the plate: nothing to apply it to yet.
    await pay.publishAsync(
      'parking/s1/gate/g1/payment',
      JSON.stringify({
        eventId: 'early-pay',
        ts: paidAt,
        deviceId: 'pay-out',
        sessionId: null,
        plate: '晋A70001',
        amountFen: 1000,
        method: 'cash',
        terminalId: 'pay-out',
      }),
      { qos: 1 },
    );
    const command = await nextMessage<{ reasonCode: string; sessionId: string }>(
      barrier,
      'parking/s1/gate/g1/barrier/command',
      () =>
        camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '晋A70001', c.clock.now()), {
          qos: 1,
        }),
    );
    expect(command.reasonCode).toBe('EXIT_PAID');
    expect(ledger.getSession(command.sessionId)).toMatchObject({
      noEntryRecord: true,
      status: 'closed',
      feeFen: 1000,
      paidFen: 1000,
      exitAt: paidAt,
    });
    expect(ledger.paymentsFor(command.sessionId).map((p) => p.amountFen)).toEqual([1000]);
  });
});
