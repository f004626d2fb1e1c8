import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPIC_EXAMPLES, topics } from '../../gateway/src/protocol/index.ts';
import { startBroker } from './broker.ts';
import { loadCredentials } from './credentials.ts';
import { generateDemoCredentials, writeDemoCredentials } from './demo-credentials.ts';
import { verifyPassword } from './password.ts';

const plan = {
  sites: [
    { site: 'lvyuan', gates: [{ gate: 'north' }, { gate: 'south', devices: ['camera' as const] }], spaces: ['B1-001'] },
  ],
};

describe('demo credentials', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('makes one user per device plus gateway, dashboard and bureau, each with a password matching its hash', async () => {
    const demo = await generateDemoCredentials(plan);
    expect(demo.clients.map((c) => c.username)).toEqual([
      'gateway',
      'dashboard',
      'bureau',
      'lvyuan-north-camera',
      'lvyuan-north-barrier',
      'lvyuan-north-loop',
      'lvyuan-north-display',
      'lvyuan-north-payTerminal',
      'lvyuan-south-camera',
      'lvyuan-space-B1-001',
    ]);
    expect(demo.clients.find((c) => c.username === 'lvyuan-space-B1-001')?.identity).toEqual({
      role: 'spaceSensor',
      site: 'lvyuan',
      space: 'B1-001',
      device: 'lvyuan-space-B1-001',
    });
    for (const [i, client] of demo.clients.entries()) {
      const entry = demo.file.users[i]!;
      expect(entry.username).toBe(client.username);
      expect(entry.passwordHash).not.toContain(client.password);
      expect(await verifyPassword(client.password, entry.passwordHash)).toBe(true);
    }
    expect(new Set(demo.clients.map((c) => c.password)).size).toBe(demo.clients.length);
  });

  it('refuses a plan whose ids would make an invalid username', async () => {
    const long = { sites: [{ site: 's'.repeat(60), gates: [{ gate: 'north' }] }] };
    await expect(generateDemoCredentials(long)).rejects.toMatchObject({ code: 'ERR_BROKER_DEMO_PLAN' });
    const repeated = { sites: [{ site: 'a', gates: [{ gate: 'g' }, { gate: 'g' }] }] };
    await expect(generateDemoCredentials(repeated)).rejects.toMatchObject({ code: 'ERR_BROKER_DEMO_PLAN' });
  });

  it('writes private files the broker loads, and the generated camera can publish its plate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-credentials-'));
    const demo = await writeDemoCredentials(dir, plan);
    expect((await stat(demo.credentialsPath)).mode & 0o777).toBe(0o600);
    expect((await stat(demo.passwordsPath)).mode & 0o777).toBe(0o600);
    const broker = await startBroker({
      port: 0,
      wsPort: null,
      host: '127.0.0.1',
      credentials: await loadCredentials(demo.credentialsPath),
      log: () => {},
    });
    const login = (name: string) => {
      const c = demo.clients.find((x) => x.username === name)!;
      return connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
        username: c.username,
        password: c.password,
        clientId: c.username,
        reconnectPeriod: 0,
      });
    };
    const gateway = await login('gateway');
    const camera = await login('lvyuan-north-camera');
    try {
      await gateway.subscribeAsync('parking/lvyuan/#', { qos: 1 });
      const received = new Promise<string>((resolve) => gateway.once('message', (topic) => resolve(topic)));
      const topic = topics.build.plate({ site: 'lvyuan', gate: 'north' });
      // The camera names itself as the event's device (its demo device id is its username).
      const read = { ...TOPIC_EXAMPLES.plate.payload, deviceId: 'lvyuan-north-camera' };
      await camera.publishAsync(topic, JSON.stringify(read), { qos: 1 });
      expect(await received).toBe(topic);
    } finally {
      await Promise.all([gateway.endAsync(), camera.endAsync()]);
      await broker.stop();
    }
  });
});
