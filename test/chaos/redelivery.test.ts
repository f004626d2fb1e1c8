import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Community, nextMessage, plateEvent, startCommunity, testConfigYaml } from '../support/community.ts';

type Command = { commandId: string; reasonCode: string; plate: string | null };

/**
 * What a crash between the ledger commit and the barrier command looks like from outside: the broker redelivers the
 * event (no PUBACK was sent), and the gateway must send the command it recorded, not ignore the event as a duplicate.
 */
describe('a redelivered event re-sends the barrier command it caused', () => {
  let c: Community;
  let barrier: MqttClient;
  let camIn: MqttClient;
  const commands: Command[] = [];

  beforeAll(async () => {
    c = await startCommunity({ yaml: testConfigYaml({ capacity: 100 }) });
    barrier = await c.device('bar-out');
    camIn = await c.device('cam-in');
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', function onCommand(_topic, buf) {
      commands.push(JSON.parse(buf.toString()) as Command);
    });
  });

  afterAll(async () => {
    await c?.stop();
  });

  /** Commands that arrive up to and including the one for `marker`'s entry, which is published last. */
  async function commandsUntilMarker(marker: string, trigger: () => Promise<void>): Promise<Command[]> {
    const from = commands.length;
    await nextMessage<Command>(
      barrier,
      'parking/s1/gate/g1/barrier/command',
      async () => {
        await trigger();
        await camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', marker, c.clock.now()), {
          qos: 1,
        });
      },
      (command) => command.plate === marker,
    );
    return commands.slice(from);
  }

  it('for a payment that opened a waiting exit', async () => {
    const camOut = await c.device('cam-out');
    const led = await c.device('led-out');
    const pay = await c.device('pay-out');
    await nextMessage(barrier, 'parking/s1/gate/g1/barrier/command', () =>
      camIn.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '苏E30001', c.clock.now()), {
        qos: 1,
      }),
    );
    c.clock.advance(3 * 3600_000);
    await nextMessage(led, 'parking/s1/gate/g1/display', () =>
      camOut.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', '苏E30001', c.clock.now()), {
        qos: 1,
      }),
    );
    const payment = JSON.stringify({
      eventId: 'pay-redelivered',
      ts: c.clock.now(),
      deviceId: 'pay-out',
      sessionId: null,
      plate: '苏E30001',
      amountFen: 400,
      method: 'wechat',
      terminalId: 'pay-out',
    });
    const first = await commandsUntilMarker('苏E30002', async () => {
      await pay.publishAsync('parking/s1/gate/g1/payment', payment, { qos: 1 });
    });
    const paid = first.find((command) => command.reasonCode === 'EXIT_PAID');
    expect(paid?.plate).toBe('苏E30001');

    const again = await commandsUntilMarker('苏E30003', async () => {
      await pay.publishAsync('parking/s1/gate/g1/payment', payment, { qos: 1 });
    });
    expect(again.map((command) => command.commandId)).toContain(paid?.commandId);
    const session = c.gateway.gateway.ledger.searchSessions('s1', { plate: '苏E30001', limit: 5, offset: 0 });
    expect(session.total).toBe(1);
    expect(session.items[0]).toMatchObject({ status: 'closed', paidFen: 400 });
  });

  it('for a plate read that opened the entry', async () => {
    const read = plateEvent('cam-in', 'entry', '苏E30004', c.clock.now());
    const first = await commandsUntilMarker('苏E30005', async () => {
      await camIn.publishAsync('parking/s1/gate/g1/plate', read, { qos: 1 });
    });
    const opened = first.find((command) => command.plate === '苏E30004');
    expect(opened).toBeDefined();
    const again = await commandsUntilMarker('苏E30006', async () => {
      await camIn.publishAsync('parking/s1/gate/g1/plate', read, { qos: 1 });
    });
    expect(again.filter((command) => command.commandId === opened?.commandId)).toHaveLength(1);
  });
});
