import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestartableServer, startMosquitto } from './servers.ts';
import { type Community, nextMessage, plateEvent, startCommunity } from './support/community.ts';

describe('the gate scenario with Mosquitto (a third-party broker) in place of ours', () => {
  let mosquitto: RestartableServer;
  let c: Community;

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    c = await startCommunity({ externalBrokerUrl: `mqtt://127.0.0.1:${mosquitto.port}` });
    const { registry } = c.gateway.gateway;
    registry.households.put({ site: 's1', id: 'H1', room: '1栋101' });
    registry.vehicles.put({ site: 's1', plate: '京A12345', household: 'H1' });
  });

  afterAll(async () => {
    await c?.stop();
    await mosquitto?.stop();
  });

  it('admits a resident, charges a temporary car at exit and opens once it has paid', async () => {
    const camIn = await c.device('cam-in');
    const camOut = await c.device('cam-out');
    const barIn = await c.device('bar-in');
    const barOut = await c.device('bar-out');
    const ledOut = await c.device('led-out');
    const pay = await c.device('pay-out');

    const resident = await nextMessage<{ reasonCode: string }>(barIn, 'parking/s1/gate/g1/barrier/command', () =>
      camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '京A12345', c.clock.now()), {
        qos: 1,
      }),
    );
    expect(resident.reasonCode).toBe('ENTRY_RESIDENT');

    const temporary = await nextMessage<{ reasonCode: string; sessionId: string }>(
      barIn,
      'parking/s1/gate/g1/barrier/command',
      () =>
        camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '苏E54321', c.clock.now()), {
          qos: 1,
        }),
    );
    expect(temporary.reasonCode).toBe('ENTRY_TEMPORARY');

    c.clock.advance(90 * 60_000); // 1h30m: 1 h free, then one started hour × ¥2
    const shown = await nextMessage<{ lines: string[] }>(ledOut, 'parking/s1/gate/g1/display', () =>
      camOut.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '苏E54321', c.clock.now()), {
        qos: 1,
      }),
    );
    expect(shown.lines.join(' ')).toContain('2.00元');

    const opened = await nextMessage<{ reasonCode: string; sessionId: string }>(
      barOut,
      'parking/s1/gate/g1/barrier/command',
      () =>
        pay.publishAsync(
          'parking/s1/gate/g1/payment',
          JSON.stringify({
            eventId: 'm-pay-1',
            ts: c.clock.now(),
            deviceId: 'pay-out',
            sessionId: null,
            plate: '苏E54321',
            amountFen: 200,
            method: 'alipay',
            terminalId: 'pay-out',
          }),
          { qos: 1 },
        ),
    );
    expect(opened).toMatchObject({ reasonCode: 'EXIT_PAID', sessionId: temporary.sessionId });
    expect(c.gateway.gateway.ledger.getSession(temporary.sessionId)).toMatchObject({
      status: 'closed',
      feeFen: 200,
      paidFen: 200,
    });
  });
});
