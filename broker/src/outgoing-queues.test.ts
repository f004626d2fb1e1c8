import { describe, expect, it } from 'vitest';
import { OutgoingQueues, type QueueClass, type QueuedPacket, QueueLimits } from './outgoing-queues.ts';

const classify = (topic: string): QueueClass => (topic.includes('/space/') ? 'telemetry' : 'gate');
let counter = 0;
const packet = (topic: string): QueuedPacket => ({ cmd: 'publish', topic, brokerId: 'b', brokerCounter: ++counter });
const state = () => packet('parking/s1/space/A1/state');
const plate = () => packet('parking/s1/gate/g1/plate');

async function streamed(q: OutgoingQueues, clientId: string): Promise<QueuedPacket[]> {
  const out: QueuedPacket[] = [];
  for await (const p of q.stream(clientId)) out.push(p as QueuedPacket);
  return out;
}

describe('OutgoingQueues: a persistent subscriber’s queue, indexed and bounded', () => {
  it('keeps a packet until its packet identifier is acknowledged', () => {
    const q = new OutgoingQueues(QueueLimits.parse({}), classify);
    const p = plate();
    q.enqueue('gw', { ...p });
    expect(q.update('gw', { ...p, messageId: 7 })).toBe(true);
    expect(q.size('gw')).toBe(1);
    expect(q.clear('gw', { messageId: 8 })).toBeUndefined();
    expect(q.clear('gw', { messageId: 7 })).toMatchObject({ topic: p.topic, messageId: 7 });
    expect(q.size()).toBe(0);
  });

  it('resends gate messages before the telemetry backlog after a reconnect, each oldest first', async () => {
    const q = new OutgoingQueues(QueueLimits.parse({}), classify);
    const s1 = state();
    const g1 = plate();
    const s2 = state();
    const g2 = plate();
    for (const p of [s1, g1, s2, g2]) q.enqueue('gw', { ...p });
    expect((await streamed(q, 'gw')).map((p) => p.brokerCounter)).toEqual([g1, g2, s1, s2].map((p) => p.brokerCounter));
  });

  it('drops the oldest telemetry past its bound, and counts it; gate messages stay', () => {
    const dropped: string[] = [];
    const q = new OutgoingQueues(
      QueueLimits.parse({ maxTelemetryPerClient: 3, maxPerClient: 5 }),
      classify,
      (_client, p, cls) => dropped.push(`${cls}:${p.brokerCounter}`),
    );
    const states = Array.from({ length: 5 }, state);
    const plates = Array.from({ length: 2 }, plate);
    for (const p of [...plates, ...states]) q.enqueue('gw', { ...p });
    expect(q.size('gw')).toBe(5);
    expect(q.drops).toEqual({ telemetry: 2, gate: 0 });
    expect(dropped).toEqual([`telemetry:${states[0]!.brokerCounter}`, `telemetry:${states[1]!.brokerCounter}`]);
  });

  it('drops the oldest gate message only when the whole bound is gate messages', () => {
    const q = new OutgoingQueues(QueueLimits.parse({ maxTelemetryPerClient: 3, maxPerClient: 3 }), classify);
    for (let i = 0; i < 5; i++) q.enqueue('gw', plate());
    expect(q.size('gw')).toBe(3);
    expect(q.drops).toEqual({ telemetry: 0, gate: 2 });
  });

  it('a packet dropped while on its way is not an error: sent, no longer kept', () => {
    const q = new OutgoingQueues(QueueLimits.parse({ maxTelemetryPerClient: 1 }), classify);
    const a = state();
    q.enqueue('gw', { ...a });
    q.enqueue('gw', state());
    expect(q.update('gw', { ...a, messageId: 1 })).toBe(false);
    expect(q.clear('gw', { messageId: 1 })).toBeUndefined();
  });
});
