import { afterEach, describe, expect, it } from 'vitest';
import { type Community, nextMessage, plateEvent, startCommunity } from './support/community.ts';

type Display = { lines: string[] };
type Command = { action: string; reasonCode: string; sessionId: string | null };

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The community's clock starts Monday 2026-03-02 08:00 (Asia/Shanghai). */
const AT = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00+08:00`);

/**
 * #26.3 through a real broker: a monthly pass that ends while the car is inside is charged at the temporary rule from
 * the expiry, as if the car had entered then (residential-guidance: visitors 1 h free, then 2元 per started hour;
 * owners 2 h free, then 1元 per started hour). The gate holds the car for that fee, the pay terminal settles it, and
 * the session's breakdown shows both parts.
 */
describe('a pass that ends during the stay, end to end', () => {
  let c: Community | null = null;
  afterEach(async () => {
    await c?.stop();
    c = null;
  });

  async function read(community: Community, lane: 'entry' | 'exit', plate: string): Promise<Display> {
    const led = await community.device(lane === 'entry' ? 'led-in' : 'led-out');
    const camera = await community.device(lane === 'entry' ? 'cam-in' : 'cam-out');
    const device = lane === 'entry' ? 'cam-in' : 'cam-out';
    return nextMessage<Display>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent(device, lane, plate, community.clock.now()), {
        qos: 1,
      }),
    );
  }

  const lastDecision = (community: Community, lane: 'entry' | 'exit', plate: string) =>
    community.gateway.gateway.ledger.recentDecisions('s1', 'g1', lane, 20).find((d) => d.plate === plate);

  function pass(community: Community, plate: string, id: string, from: number, to: number): void {
    community.gateway.gateway.registry.passes.put({
      site: 's1',
      id,
      plate,
      kind: 'monthly',
      validFrom: from,
      validTo: to,
    });
  }

  it('holds the car for the visitor fee from the expiry, takes the payment, and keeps both parts', async () => {
    c = await startCommunity();
    const gw = c.gateway.gateway;
    pass(c, '苏E70001', 'p1', AT('08:00') - 30 * 24 * HOUR, AT('10:00'));

    await read(c, 'entry', '苏E70001');
    expect(lastDecision(c, 'entry', '苏E70001')).toMatchObject({ action: 'open' });
    const session = gw.ledger.findOpenSession('s1', '苏E70001');
    expect(session).toMatchObject({ userClass: 'monthly', classUntil: AT('10:00') });

    // Out at 12:30: free under the pass to 10:00; a visitor from then: 1 h free, 11:00–12:30 = 2 started hours × 2元.
    c.clock.set(AT('12:30'));
    const shown = await read(c, 'exit', '苏E70001');
    expect(lastDecision(c, 'exit', '苏E70001')).toMatchObject({ action: 'hold', reason: 'EXIT_FEE_DUE' });
    expect(shown.lines.join(' ')).toContain('4.00元');

    const barrier = await c.device('bar-out');
    const pay = await c.device('pay-out');
    const command = await nextMessage<Command>(barrier, 'parking/s1/gate/g1/barrier/command', () =>
      pay.publishAsync(
        'parking/s1/gate/g1/payment',
        JSON.stringify({
          eventId: 'pay-pass-1',
          ts: c?.clock.now(),
          deviceId: 'pay-out',
          sessionId: session?.id,
          plate: null,
          amountFen: 400,
          method: 'wechat',
          terminalId: 'pay-out',
        }),
        { qos: 1 },
      ),
    );
    expect(command).toMatchObject({ action: 'open', reasonCode: 'EXIT_PAID', sessionId: session?.id });
    const closed = gw.ledger.getSession(session?.id ?? '');
    expect(closed).toMatchObject({ status: 'closed', feeFen: 400, paidFen: 400 });
    const breakdown = closed?.breakdown as { items: { kind: string; amountFen: number }[] } | undefined;
    const items = breakdown?.items ?? [];
    expect(items.map((i) => [i.kind, i.amountFen])).toEqual([
      ['exempt', 0],
      ['class-change', 0],
      ['free', 0],
      ['charge', 400],
      ['paid-exit', 0],
    ]);
  });

  it("a resident's car falls back to the owner rule when its pass ends", async () => {
    c = await startCommunity();
    const { registry } = c.gateway.gateway;
    registry.households.put({ site: 's1', id: 'H7', room: '7栋101' });
    registry.vehicles.put({ site: 's1', plate: '苏E70002', household: 'H7', vehicleClass: 'small' });
    pass(c, '苏E70002', 'p2', AT('08:00') - 30 * 24 * HOUR, AT('10:00'));
    await read(c, 'entry', '苏E70002');
    // Out at 13:30: as an owner from 10:00: 3 h 30 − 2 h free = 1 h 30 → 2 started hours × 1元 = 2元.
    c.clock.set(AT('13:30'));
    const shown = await read(c, 'exit', '苏E70002');
    expect(lastDecision(c, 'exit', '苏E70002')).toMatchObject({ action: 'hold', reason: 'EXIT_FEE_DUE' });
    expect(shown.lines.join(' ')).toContain('2.00元');
  });

  it('a pass renewed before it ended carries on: the car leaves free', async () => {
    c = await startCommunity();
    pass(c, '苏E70003', 'p3', AT('08:00') - 30 * 24 * HOUR, AT('10:00'));
    await read(c, 'entry', '苏E70003');
    // Renewed while the car is inside: the next month starts where the last one ends.
    pass(c, '苏E70003', 'p3b', AT('10:00'), AT('10:00') + 30 * 24 * HOUR);
    c.clock.set(AT('12:30'));
    await read(c, 'exit', '苏E70003');
    expect(lastDecision(c, 'exit', '苏E70003')).toMatchObject({ action: 'open', reason: 'EXIT_FREE' });
  });

  it('a car that enters after its pass ended is a visitor from entry', async () => {
    c = await startCommunity();
    pass(c, '苏E70004', 'p4', AT('08:00') - 30 * 24 * HOUR, AT('08:00') - MINUTE);
    await read(c, 'entry', '苏E70004');
    expect(c.gateway.gateway.ledger.findOpenSession('s1', '苏E70004')).toMatchObject({
      userClass: 'visitor',
      classUntil: null,
    });
    // 08:00–09:30: 1 h 30 − 1 h free → 1 started hour = 2元.
    c.clock.set(AT('09:30'));
    const shown = await read(c, 'exit', '苏E70004');
    expect(shown.lines.join(' ')).toContain('2.00元');
  });
});
