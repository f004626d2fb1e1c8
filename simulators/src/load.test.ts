import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../broker/src/index.ts';
import type { Logins } from './device-accounts.ts';
import { loadCredentials, runLoad } from './load.ts';

let broker: RunningBroker;
let logins: Logins;

beforeAll(async () => {
  const creds = await loadCredentials(2, 15);
  logins = creds.logins;
  broker = await startBroker({
    port: 0,
    wsPort: null,
    host: '127.0.0.1',
    credentials: creds.file.users,
    // A load generator: its sensors send as fast as the test asks, far above a real sensor's budget.
    rateLimits: { scale: 1000 },
    log: () => {},
  });
});

afterAll(async () => {
  await broker.stop();
});

describe('load mode', () => {
  it('space sensors of many sites, each its own broker user, publish the requested number of events', async () => {
    const brokerUrl = `mqtt://127.0.0.1:${broker.port}`;
    const gateway = await mqtt.connectAsync(brokerUrl, {
      ...logins.service('gateway'),
      clientId: 'gateway-load',
      reconnectPeriod: 0,
    });
    const received = new Map<string, number>();
    gateway.on('message', (topic) => {
      const site = topic.split('/')[1]!;
      if (topic.endsWith('/state')) received.set(site, (received.get(site) ?? 0) + 1);
    });
    await gateway.subscribeAsync('parking/+/space/+/state', { qos: 1 });
    try {
      const progress: number[] = [];
      const result = await runLoad({
        brokerUrl,
        sites: 2,
        spacesPerSite: 15,
        eventsPerSecond: 400,
        durationMs: 1000,
        logins,
        onProgress: (done) => progress.push(done),
      });
      expect(result.sensors).toBe(30);
      expect(result.published).toBe(400);
      expect(result.acknowledged).toBe(400);
      expect(result.failed).toBe(0);
      expect(progress.at(-1)).toBe(400);
      const total = () => [...received.values()].reduce((a, b) => a + b, 0);
      // QoS 1 at the subscriber too: every acknowledged event arrives; both sites took part.
      await new Promise<void>((resolve) => {
        const check = () => (total() >= 400 ? resolve() : gateway.once('message', check));
        check();
      });
      expect(total()).toBe(400);
      expect([...received.keys()].sort()).toEqual(['load-001', 'load-002']);
      expect(broker.counters().refusedPublish).toBe(0);
    } finally {
      await gateway.endAsync(true);
    }
  });
});
