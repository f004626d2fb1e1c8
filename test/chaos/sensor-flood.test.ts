import type { Client } from 'aedes';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RateLimitsInput } from '../../broker/src/index.ts';
import { type Community, plateEvent, startCommunity, testConfigYaml } from '../support/community.ts';

/**
 * #25: one space sensor floods valid QoS 1 states through the real broker (aedes, device accounts) while the entry
 * camera keeps reading plates. The gateway must keep its link, decide every read exactly once, and the flooding
 * client must be throttled or cut off. Not timed: every wait is for an event, bounded by the test timeout.
 */
describe('a flooding space sensor does not take the gate down', () => {
  let c: Community | null = null;
  afterEach(async () => {
    await c?.stop();
    c = null;
  });

  const READS = 20;
  const plates = Array.from({ length: READS }, (_, i) => `苏E7${String(i).padStart(4, '0')}`);

  /** Counts disconnects of the gateway's own connections at the broker. */
  function watchGatewayLinks(community: Community): { drops: string[] } {
    const drops: string[] = [];
    community.broker!.aedes.on('clientDisconnect', (client: Client) => {
      if (client.id.startsWith('gateway')) drops.push(client.id);
    });
    return { drops };
  }

  async function barrierCommands(community: Community): Promise<string[]> {
    const barrier = await community.device('bar-in');
    const commands: string[] = [];
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', (_topic, buf) => commands.push((JSON.parse(buf.toString()) as { plate: string }).plate));
    return commands;
  }

  function flood(sensor: MqttClient, count: number, now: number): { failed: number } {
    const result = { failed: 0 };
    sensor.on('error', () => {});
    for (let i = 0; i < count; i++) {
      const state = { eventId: `f-${i}`, ts: now, deviceId: 'sensor-A1', occupied: i % 2 === 0, battery: 87 };
      sensor.publish('parking/s1/space/A1/state', JSON.stringify(state), { qos: 1 }, (err) => {
        if (err) result.failed++;
      });
    }
    return result;
  }

  /** A community on these budgets, its gateway's links watched, the entry barrier's commands, sensor and camera. */
  async function flooding(rateLimits: RateLimitsInput) {
    c = await startCommunity({ yaml: testConfigYaml({ capacity: 100, reserve: 0 }), rateLimits });
    const community = c;
    const links = watchGatewayLinks(community);
    const commands = await barrierCommands(community);
    const sensor = await community.device('sensor-A1');
    const camera = await community.device('cam-in');
    return { community, links, commands, sensor, camera, now: community.clock.now() };
  }

  function decisionsFor(community: Community, plate: string) {
    return community.gateway.gateway.ledger.recentDecisions('s1', 'g1', 'entry', 500).filter((d) => d.plate === plate);
  }

  it('with the default budgets: the sensor is cut off, the gateway keeps its link and decides every read once', async () => {
    const { community, links, commands, sensor, camera, now } = await flooding({});
    const sent = flood(sensor, 5_000, now);
    for (const [i, plate] of plates.entries()) {
      await camera.publishAsync(
        'parking/s1/gate/g1/plate',
        plateEvent('cam-in', 'entry', plate, now, { eventId: `r-${i}` }),
        {
          qos: 1,
        },
      );
    }
    await vi.waitFor(() => expect(commands.length).toBe(READS), { timeout: 20_000, interval: 50 });
    expect(commands).toEqual(plates);
    for (const plate of plates) expect(decisionsFor(community, plate)).toHaveLength(1);
    const counters = community.broker!.counters();
    expect(counters.rateLimitDisconnects).toBe(1);
    expect(sent.failed + counters.throttledPublishes).toBeGreaterThan(0);
    expect(links.drops).toEqual([]);
    expect(community.gateway.gateway.health().links).toMatchObject({
      gate: { connected: true },
      telemetry: { connected: true },
    });
  });

  it('with no budget at all: the gateway drains 50,000 states without losing its link, and decides every read once', async () => {
    const { community, links, commands, sensor, camera, now } = await flooding({ scale: 1_000_000 });
    const FLOOD = 50_000;
    const sent = flood(sensor, FLOOD, now);
    const taken = () => community.gateway.gateway.metrics.count('gateway_messages_total', { kind: 'spaceState' });
    for (const [i, plate] of plates.slice(0, 5).entries()) {
      await camera.publishAsync(
        'parking/s1/gate/g1/plate',
        plateEvent('cam-in', 'entry', plate, now, { eventId: `r-${i}` }),
        { qos: 1 },
      );
    }
    await vi.waitFor(() => expect(commands.length).toBe(5), { timeout: 30_000, interval: 20 });
    await vi.waitFor(() => expect(taken()).toBe(FLOOD), { timeout: 60_000, interval: 50 });
    expect(sent.failed).toBe(0);
    expect(commands).toEqual(plates.slice(0, 5));
    for (const plate of plates.slice(0, 5)) expect(decisionsFor(community, plate)).toHaveLength(1);
    expect(links.drops).toEqual([]);
  });

  it('a plate read never waits behind space states: decided while a state is still being handled', async () => {
    c = await startCommunity({ yaml: testConfigYaml({ capacity: 100, reserve: 0 }) });
    const community = c;
    const commands = await barrierCommands(community);
    const gateway = community.gateway.gateway;
    // A telemetry handler that does not finish until released: a backlog the gateway is still working through.
    const handle = gateway.handleDevice.bind(gateway);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stuck = 0;
    gateway.handleDevice = async (message, receivedAt) => {
      if (message.kind === 'spaceState') {
        stuck++;
        await released;
      }
      return handle(message, receivedAt);
    };
    const sensor = await community.device('sensor-A1');
    const camera = await community.device('cam-in');
    const now = community.clock.now();
    await sensor.publishAsync(
      'parking/s1/space/A1/state',
      JSON.stringify({ eventId: 's-1', ts: now, deviceId: 'sensor-A1', occupied: true }),
      { qos: 1 },
    );
    await vi.waitFor(() => expect(stuck).toBe(1), { timeout: 10_000, interval: 5 });
    await camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', plates[0]!, now), { qos: 1 });
    // On one connection for everything, mqtt.js hands over the next packet only when this one is done: the read
    // would wait for the state. On its own connection it is decided now.
    await vi.waitFor(() => expect(commands).toEqual([plates[0]]), { timeout: 10_000, interval: 5 });
    expect(stuck).toBe(1);
    release();
    await vi.waitFor(() => expect(gateway.metrics.count('gateway_messages_total', { kind: 'spaceState' })).toBe(1), {
      timeout: 10_000,
    });
  });

  it('/healthz answers degraded while the telemetry link drains a backlog, and ok once it is through', async () => {
    c = await startCommunity({ yaml: testConfigYaml({ capacity: 100, reserve: 0 }) });
    const community = c;
    const sensor = await community.device('sensor-A1');
    const now = community.clock.now();
    const healthz = async () => {
      const res = await fetch(`${community.gateway.httpUrl}/healthz`);
      return { code: res.status, body: (await res.json()) as { alarms: string[]; links: unknown } };
    };
    const taken = () => community.gateway.gateway.metrics.count('gateway_messages_total', { kind: 'spaceState' });
    // States sent 40 s before they reach the gateway: a backlog being worked through.
    for (let i = 0; i < 20; i++) {
      const state = { eventId: `old-${i}`, ts: now - 40_000 + i, deviceId: 'sensor-A1', occupied: i % 2 === 0 };
      await sensor.publishAsync('parking/s1/space/A1/state', JSON.stringify(state), { qos: 1 });
    }
    await vi.waitFor(() => expect(taken()).toBe(20), { timeout: 10_000 });
    const draining = await healthz();
    expect(draining.code).toBe(503);
    expect(draining.body.alarms).toContain('mqtt telemetry link draining a backlog: messages arrive 40 s late');
    expect(draining.body.links).toMatchObject({ gate: { draining: false }, telemetry: { draining: true } });
    for (let i = 0; i < 70; i++) {
      const state = { eventId: `new-${i}`, ts: now + i, deviceId: 'sensor-A1', occupied: i % 2 === 0 };
      await sensor.publishAsync('parking/s1/space/A1/state', JSON.stringify(state), { qos: 1 });
    }
    await vi.waitFor(() => expect(taken()).toBe(90), { timeout: 10_000 });
    const through = await healthz();
    expect(through.body.alarms.filter((a) => a.includes('link'))).toEqual([]);
    expect(through.body.links).toMatchObject({ telemetry: { draining: false } });
  });

  it('a gateway that was offline during a flood comes back to a bounded queue and drains it without a disconnect loop', async () => {
    c = await startCommunity({ yaml: testConfigYaml({ capacity: 100, reserve: 0 }), rateLimits: { scale: 1_000_000 } });
    const community = c;
    const commands = await barrierCommands(community);
    await community.stopGateway();
    const sensor = await community.device('sensor-A1');
    const camera = await community.device('cam-in');
    const now = community.clock.now();
    const FLOOD = 30_000;
    const sent = flood(sensor, FLOOD, now);
    await vi.waitFor(() => expect(community.broker!.counters().messagesIn).toBeGreaterThanOrEqual(FLOOD), {
      timeout: 30_000,
      interval: 50,
    });
    for (const [i, plate] of plates.slice(0, 3).entries()) {
      const read = plateEvent('cam-in', 'entry', plate, now, { eventId: `r-${i}` });
      await camera.publishAsync('parking/s1/gate/g1/plate', read, { qos: 1 });
    }
    // Bounded: the telemetry queue keeps the newest 20,000 states (the default), the oldest are dropped and counted.
    const counters = community.broker!.counters();
    expect(counters.queueDroppedTelemetry).toBe(FLOOD - 20_000);
    expect(counters.queueDroppedGate).toBe(0);
    const links = watchGatewayLinks(community);
    const gateway = await community.restartGateway();
    const taken = () => gateway.gateway.metrics.count('gateway_messages_total', { kind: 'spaceState' });
    await vi.waitFor(() => expect(commands).toEqual(plates.slice(0, 3)), { timeout: 30_000, interval: 20 });
    await vi.waitFor(() => expect(taken()).toBe(20_000), { timeout: 60_000, interval: 50 });
    expect(sent.failed).toBe(0);
    // Every PUBACK back at the broker (they go out batched): nothing left queued.
    await vi.waitFor(() => expect(community.broker!.counters().queued).toBe(0), { timeout: 10_000, interval: 20 });
    // The gateway's connections stayed up through the replay (the restart's own closes happened before the watch).
    expect(links.drops).toEqual([]);
    expect(gateway.gateway.health().links).toMatchObject({ gate: { connected: true }, telemetry: { connected: true } });
  });
});
