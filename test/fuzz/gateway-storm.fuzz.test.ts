import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizePayload, Id, type Identity, parseMessage } from '../../gateway/src/protocol/index.ts';
import { type Community, nextMessage, plateEvent, startCommunity } from '../support/community.ts';
import { type DeviceKind, hostilePlate, hostileValue, mutatedPayload, mutation } from './hostile-values.ts';

// Level 2: hostile payloads through the real broker into a running gateway.
const SEED = 7_211;
const PER_KIND = { mutated: 40, whole: 10, bytes: 10, spoofed: 15, hostilePlate: 25 };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Who may publish each kind in the test community, on which topic, and a valid payload of theirs. */
/** The broker identity of each sender (test/support/community.ts's config). */
const IDENTITIES: Record<DeviceKind, Identity> = {
  plate: { role: 'camera', site: 's1', gate: 'g1', device: 'cam-in' },
  loop: { role: 'loop', site: 's1', gate: 'g1', device: 'loop-in' },
  barrierState: { role: 'barrier', site: 's1', gate: 'g1', device: 'bar-in' },
  payment: { role: 'payTerminal', site: 's1', gate: 'g1', device: 'pay-out' },
  spaceState: { role: 'spaceSensor', site: 's1', space: 'A1', device: 'sensor-A1' },
  deviceStatus: { role: 'spaceSensor', site: 's1', space: 'A2', device: 'sensor-A2' },
};

function senders(now: number): Record<DeviceKind, { user: string; topic: string; base: Record<string, unknown> }> {
  const event = (deviceId: string) => ({ eventId: `base-${deviceId}`, ts: now, deviceId });
  return {
    plate: {
      user: 'cam-in',
      topic: 'parking/s1/gate/g1/plate',
      base: {
        ...event('cam-in'),
        lane: 'entry',
        plate: '苏E20001',
        colour: 'blue',
        confidence: 0.9,
        cameraId: 'cam-in',
      },
    },
    loop: {
      user: 'loop-in',
      topic: 'parking/s1/gate/g1/loop',
      base: { ...event('loop-in'), lane: 'entry', state: 'present' },
    },
    barrierState: {
      user: 'bar-in',
      topic: 'parking/s1/gate/g1/barrier/state',
      base: { ...event('bar-in'), lane: 'entry', state: 'closed', cause: 'auto' },
    },
    payment: {
      user: 'pay-out',
      topic: 'parking/s1/gate/g1/payment',
      base: {
        ...event('pay-out'),
        sessionId: null,
        plate: '苏E20001',
        amountFen: 100,
        method: 'cash',
        terminalId: 'pay-out',
      },
    },
    spaceState: {
      user: 'sensor-A1',
      topic: 'parking/s1/space/A1/state',
      base: { ...event('sensor-A1'), occupied: true, battery: 80, signal: -90 },
    },
    deviceStatus: {
      user: 'sensor-A2',
      topic: 'parking/s1/device/sensor-A2/status',
      base: { ...event('sensor-A2'), kind: 'spaceSensor', online: true, firmware: '1.0' },
    },
  };
}

const deviceId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).filter((s) => Id.safeParse(s).success);

/** Hundreds of hostile messages for one kind: mutated fields, whole JSON values, raw bytes, spoofed ids. */
function storm(kind: DeviceKind, base: Record<string, unknown>, seed: number): Buffer[] {
  const opts = (numRuns: number) => ({ numRuns, seed: seed + numRuns });
  const mutated = fc.sample(mutation(kind), opts(PER_KIND.mutated)).map((m) => mutatedPayload(base, m));
  const whole = fc.sample(hostileValue, opts(PER_KIND.whole)).map((v) => JSON.stringify(v) ?? 'null');
  const bytes = fc.sample(fc.uint8Array({ maxLength: 2000 }), opts(PER_KIND.bytes)).map((b) => Buffer.from(b));
  // Valid payloads that name a device that is not the sender: the broker cannot see inside a payload.
  const spoofed = fc
    .sample(fc.tuple(deviceId, fc.uuid()), opts(PER_KIND.spoofed))
    .map(([id, eventId]) => JSON.stringify({ ...base, deviceId: id, eventId, ...cameraOf(kind, id) }));
  const plates =
    kind === 'plate'
      ? fc
          .sample(fc.tuple(hostilePlate, fc.uuid()), opts(PER_KIND.hostilePlate))
          .map(([plate, eventId]) => JSON.stringify({ ...base, plate, eventId }))
      : [];
  return [...mutated, ...whole, ...spoofed, ...plates].map((t) => Buffer.from(t)).concat(bytes);
}

function cameraOf(kind: DeviceKind, id: string): Record<string, string> {
  if (kind === 'plate') return { cameraId: id };
  if (kind === 'payment') return { terminalId: id };
  return {};
}

describe('a storm of hostile device messages through the broker into a running gateway (level 2)', () => {
  let c: Community;
  let configuredDevices: number;
  let configuredIds: Set<string>;

  beforeAll(async () => {
    c = await startCommunity();
    const { registry } = c.gateway.gateway;
    expect(registry.households.put({ site: 's1', id: 'H9', room: '9栋' }).ok).toBe(true);
    expect(registry.vehicles.put({ site: 's1', plate: '浙B88888', household: 'H9' }).ok).toBe(true);
    const site = c.gateway.gateway.gate.site('s1')!;
    const ids = new Set<string>();
    for (const gate of site.gates) {
      for (const lane of gate.lanes) {
        for (const id of [lane.camera, lane.barrier, lane.display, lane.loop, lane.payTerminal]) if (id) ids.add(id);
      }
    }
    for (const zone of site.zones) for (const space of zone.spaces) if (space.sensor) ids.add(space.sensor);
    configuredDevices = ids.size;
    configuredIds = ids;
  });

  afterAll(async () => {
    await c?.stop();
  });

  it('answers or drops every message with a counted reason, stays bounded and still opens for a resident', async () => {
    const gw = c.gateway.gateway;
    const metrics = gw.metrics;
    const plan = senders(c.clock.now());
    const clients = new Map<string, MqttClient>();
    for (const { user } of Object.values(plan)) clients.set(user, await c.device(user));

    // Warm up the paths once, then take the baseline.
    const warm = plan.plate;
    await clients.get(warm.user)!.publishAsync(warm.topic, JSON.stringify(warm.base), { qos: 1 });
    await vi.waitFor(() => expect(gw.mqtt.received).toBeGreaterThan(0));
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const receivedBefore = gw.mqtt.received;
    const rejectedBefore = snapshot(metrics, 'gateway_rejected_total');
    const handledBefore = metrics.total('gateway_messages_total');

    const expectedRejects = new Map<string, number>();
    let expectedHandled = 0;
    let sent = 0;
    let spoofedSent = 0;
    // Events naming a device other than their sender are refused by the broker (#16.1) and never reach the gateway.
    let refusedByBroker = 0;
    const refusedBefore = c.broker!.counters().refusedPublish;
    const perKind: Record<string, number> = {};
    await Promise.all(
      (Object.entries(plan) as [DeviceKind, (typeof plan)[DeviceKind]][]).map(async function publishStorm(
        [kind, sender],
        i,
      ) {
        const messages = storm(kind, sender.base, SEED + i * 1000);
        perKind[kind] = messages.length;
        const client = clients.get(sender.user)!;
        for (const payload of messages) {
          sent++;
          if (!authorizePayload(IDENTITIES[kind], payload).ok) {
            refusedByBroker++;
            await client.publishAsync(sender.topic, payload, { qos: 1 });
            continue;
          }
          const local = parseMessage(sender.topic, payload);
          // A status names its device in the topic, which the broker checks; the others name it in the payload.
          if (
            local.ok &&
            kind !== 'deviceStatus' &&
            !configuredIds.has((local.payload as { deviceId: string }).deviceId)
          )
            spoofedSent++;
          if (local.ok) expectedHandled++;
          else expectedRejects.set(local.code, (expectedRejects.get(local.code) ?? 0) + 1);
          await client.publishAsync(sender.topic, payload, { qos: 1 });
        }
      }),
    );
    console.info(`gateway storm: ${sent} messages`, perKind);
    await vi.waitFor(() => expect(gw.mqtt.received - receivedBefore).toBe(sent - refusedByBroker), {
      timeout: 20_000,
      interval: 20,
    });
    expect(c.broker!.counters().refusedPublish - refusedBefore).toBe(refusedByBroker);
    // The spoofed ids (valid payloads naming another device) are among them: 15 per kind that names its device.
    expect(refusedByBroker).toBeGreaterThanOrEqual(PER_KIND.spoofed * 5);

    // Every message is accounted for: handled, or rejected under the code parseMessage gives locally.
    expect(metrics.total('gateway_messages_total') - handledBefore).toBe(expectedHandled);
    const rejectedAfter = snapshot(metrics, 'gateway_rejected_total');
    for (const [code, n] of expectedRejects) expect(delta(rejectedAfter, rejectedBefore, code)).toBe(n);
    expect(expectedRejects.size).toBeGreaterThanOrEqual(3);
    // A valid payload naming another configured device that gets past the broker would be dropped as wrong-device.
    expect(delta(rejectedAfter, rejectedBefore, 'wrong-device')).toBeGreaterThanOrEqual(spoofedSent);
    // Enough valid ones still reach the handlers (those naming their own device).
    expect(expectedHandled).toBeGreaterThan(25);

    // Still serving: a resident read after the storm gets its barrier command.
    c.clock.advance(10_000);
    const camera = clients.get('cam-in')!;
    const barrier = await c.device('bar-in');
    const command = await nextMessage<{ action: string; plate: string; reasonCode: string }>(
      barrier,
      'parking/s1/gate/g1/barrier/command',
      () =>
        camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '浙B88888', c.clock.now()), {
          qos: 1,
        }),
      (p) => p.plate === '浙B88888',
    );
    expect(command).toMatchObject({ action: 'open', reasonCode: 'ENTRY_RESIDENT' });
    expect(gw.health().mqtt).toBe(true);

    // Bounded: spoofed device ids do not grow the device table, and the heap does not keep the storm.
    expect(gw.devices.devices.size).toBeLessThanOrEqual(configuredDevices);
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    expect(heapAfter).toBeLessThan(heapBefore + 32 * 1024 * 1024);
  });
});

function snapshot(metrics: { render(): string }, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of metrics.render().split('\n')) {
    const m = new RegExp(`^${name}\\{reason="([^"]+)"\\} (\\d+)$`).exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function delta(after: Map<string, number>, before: Map<string, number>, code: string): number {
  return (after.get(code) ?? 0) - (before.get(code) ?? 0);
}
