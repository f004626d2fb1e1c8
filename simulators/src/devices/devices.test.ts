import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isConfusionOf } from '../plates.ts';
import { SimClock } from '../sim-clock.ts';
import { type BrokerHarness, brokerForDemoConfig, type Observer } from '../testing/observer.ts';
import { SimBarrier } from './barrier.ts';
import { SimCamera } from './camera.ts';
import { SimDisplay } from './display.ts';
import type { SimDevice } from './sim-device.ts';
import { SimSpaceSensor } from './space-sensor.ts';

let h: BrokerHarness;
let gateway: Observer;
const started: SimDevice[] = [];
const clock = new SimClock({ start: Date.UTC(2026, 0, 5, 0, 0), speed: 1000 });

beforeAll(async () => {
  h = await brokerForDemoConfig();
  gateway = await h.observe('gateway', 'parking/yangguang/#');
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.stop()));
});

afterAll(async () => {
  clock.stop();
  await h.stop();
});

function common(device: string) {
  return {
    brokerUrl: h.brokerUrl,
    login: h.logins.device('yangguang', device),
    site: 'yangguang',
    deviceId: device,
    clock,
  };
}

async function start<T extends SimDevice>(device: T): Promise<T> {
  started.push(device);
  await device.start();
  return device;
}

describe('simulated devices on a real broker', () => {
  it('a barrier obeys an open command and reports opened, then closed', async () => {
    const barrier = await start(
      new SimBarrier({ ...common('bar-north-in'), gate: 'north', lane: 'entry', autoCloseMs: 5000 }),
    );
    const command = {
      commandId: 'cmd-1',
      ts: clock.now(),
      lane: 'entry',
      action: 'open',
      reasonCode: 'resident',
      sessionId: 's1',
      plate: '京A12345',
    };
    // The exit lane's command on the same gate topic is not this barrier's.
    await gateway.client.publishAsync(
      'parking/yangguang/gate/north/barrier/command',
      JSON.stringify({ ...command, commandId: 'cmd-0', lane: 'exit' }),
      { qos: 1 },
    );
    await gateway.client.publishAsync('parking/yangguang/gate/north/barrier/command', JSON.stringify(command), {
      qos: 1,
    });
    const states = () => gateway.on('/gate/north/barrier/state').map((m) => m.payload);
    await gateway.until(() => states().length >= 2);
    expect(states().map((s) => [s.state, s.cause, s.commandId])).toEqual([
      ['opened', 'command', 'cmd-1'],
      ['closed', 'auto', null],
    ]);
    expect(barrier.commands.map((c) => c.commandId)).toEqual(['cmd-1']);
  });

  it('a barrier in fault reports fault and ignores commands', async () => {
    const barrier = await start(new SimBarrier({ ...common('bar-south-out'), gate: 'south', lane: 'exit' }));
    await barrier.setFault(true);
    const command = {
      commandId: 'cmd-2',
      ts: clock.now(),
      lane: 'exit',
      action: 'open',
      reasonCode: 'paid',
      sessionId: null,
      plate: null,
    };
    const received = new Promise<void>((resolve) => barrier.once('command', () => resolve()));
    await gateway.client.publishAsync('parking/yangguang/gate/south/barrier/command', JSON.stringify(command), {
      qos: 1,
    });
    await received;
    const states = gateway.on('/gate/south/barrier/state').map((m) => m.payload.state);
    expect(states).toEqual(['fault']);
    expect(barrier.state).toBe('fault');
  });

  it('a display records the last message of its lane and prints a line', async () => {
    const printed: string[] = [];
    const display = await start(
      new SimDisplay({
        ...common('led-north-in'),
        gate: 'north',
        lane: 'entry',
        gateName: '北门',
        print: (l) => printed.push(l),
      }),
    );
    const msg = (lines: string[], lane = 'entry') =>
      JSON.stringify({ ts: clock.now(), lane, lines, colour: 'green', seconds: 5 });
    const shown = new Promise<void>((resolve) => {
      display.on('message', (m) => {
        if (m.lines[0] === '京A00002') resolve();
      });
    });
    await gateway.client.publishAsync('parking/yangguang/gate/north/display', msg(['京A00001', '欢迎回家']), {
      qos: 1,
    });
    await gateway.client.publishAsync(
      'parking/yangguang/gate/north/display',
      msg(['京B99999', '请缴费 5.00元'], 'exit'),
      { qos: 1 },
    );
    await gateway.client.publishAsync(
      'parking/yangguang/gate/north/display',
      msg(['京A00002', '欢迎回家', '余位 23']),
      { qos: 1 },
    );
    await shown;
    expect(display.last()?.lines).toEqual(['京A00002', '欢迎回家', '余位 23']);
    expect(printed).toEqual(['[北门 入口] 京A00001 | 欢迎回家', '[北门 入口] 京A00002 | 欢迎回家 | 余位 23']);
  });

  it('a camera with misread rate 1 publishes an OCR confusion of the plate, with lower confidence', async () => {
    const camera = await start(new SimCamera({ ...common('cam-north-in'), gate: 'north', misreadRate: 1 }));
    const truth = '京A85201';
    await camera.read('entry', truth, 'blue');
    await gateway.until(() => gateway.on('/gate/north/plate').length >= 1);
    const read = gateway.on('/gate/north/plate')[0]!.payload;
    expect(read.plate).not.toBe(truth);
    expect(isConfusionOf(truth, read.plate as string)).toBe(true);
    expect(read.confidence).toBeLessThan(0.9);
    expect(read.deviceId).toBe('cam-north-in');
  });

  it('a space sensor says online (retained) and its will marks it offline when its socket is destroyed', async () => {
    const sensor = await start(new SimSpaceSensor({ ...common('sensor-A07'), space: 'A07' }));
    const status = () => gateway.on('/device/sensor-A07/status').map((m) => m.payload.online);
    await gateway.until(() => status().includes(true));
    sensor.kill();
    await gateway.until(() => status().includes(false));
    expect(status()).toEqual([true, false]);
    expect(sensor.connected).toBe(false);
  });

  it('duplicate mode publishes the same event twice; out-of-order mode delivers a later event first', async () => {
    const dup = await start(
      new SimSpaceSensor({ ...common('sensor-A08'), space: 'A08', faults: { duplicateRate: 1 } }),
    );
    await dup.set(true);
    await gateway.until(() => gateway.on('/space/A08/state').length >= 2);
    const [a, b] = gateway.on('/space/A08/state').map((m) => m.payload);
    expect(a!.eventId).toBe(b!.eventId);

    const ooo = await start(
      new SimSpaceSensor({ ...common('sensor-A09'), space: 'A09', faults: { outOfOrderRate: 1 } }),
    );
    await ooo.set(true);
    await ooo.set(false);
    await gateway.until(() => gateway.on('/space/A09/state').length >= 2);
    const received = gateway.on('/space/A09/state').map((m) => m.payload);
    const sequence = (id: unknown) => Number(String(id).split('-').at(-1));
    expect(sequence(received[0]!.eventId)).toBeGreaterThan(sequence(received[1]!.eventId));
    expect(received.map((p) => p.occupied)).toEqual([false, true]);
  });
});
