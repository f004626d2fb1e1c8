import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentials, startBroker } from '../../broker/src/index.ts';
import { readSimPasswords, writeSiteCredentials } from './credentials-cli.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sim-credentials-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('credentials for a deployment of the simulators', () => {
  it('writes hashes for the broker and private plain passwords that log a device in', async () => {
    const { credentialsPath, passwordsPath } = await writeSiteCredentials('config/demo.yaml', dir);
    expect((await stat(passwordsPath)).mode & 0o777).toBe(0o600);
    const logins = await readSimPasswords(passwordsPath);
    const camera = logins.device('yangguang', 'cam-north-in');
    const brokerFile = await readFile(credentialsPath, 'utf8');
    expect(brokerFile).not.toContain(camera.password);
    expect(brokerFile).not.toContain(logins.gatewayPassword);
    const users = await loadCredentials(credentialsPath);
    expect(users.find((u) => u.username === camera.username)).toMatchObject({
      role: 'camera',
      site: 'yangguang',
      gate: 'north',
      device: 'cam-north-in',
    });
    const broker = await startBroker({ port: 0, wsPort: null, host: '127.0.0.1', credentials: users, log: () => {} });
    try {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
        ...camera,
        clientId: `${camera.username}-t`,
        reconnectPeriod: 0,
      });
      expect(client.connected).toBe(true);
      await client.endAsync();
    } finally {
      await broker.stop();
    }
  });
});
