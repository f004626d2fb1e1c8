import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SCRYPT_COST, hashPassword, verifyPassword } from './password.ts';

const here = import.meta.dirname;

function run(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', resolve(here, script)], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((done) => {
    let text = '';
    stream?.on('data', (c: Buffer) => {
      text += c.toString();
    });
    stream?.on('end', () => done(text));
  });
}

describe('broker programs', () => {
  let dir: string | null = null;
  let child: ChildProcess | null = null;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = exitOf(child);
      child.kill('SIGKILL');
      await exited;
    }
    child = null;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('main.ts listens on the ports it logs, accepts a known user, and exits 0 on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-main-'));
    const credentials = join(dir, 'users.json');
    const passwordHash = await hashPassword('gateway-pass', DEMO_SCRYPT_COST);
    await writeFile(
      credentials,
      JSON.stringify({ users: [{ username: 'gw', passwordHash, role: 'gateway', site: '*' }] }),
    );
    child = run('main.ts', {
      MQTT_PORT: '0',
      MQTT_WS_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      BROKER_CREDENTIALS: credentials,
    });
    const lines = createInterface({ input: child.stdout! });
    const listening = await new Promise<{ port: number; wsPort: number }>((done) => {
      lines.on('line', (line) => {
        const entry = JSON.parse(line);
        if (entry.event === 'listening') done(entry);
      });
    });
    expect(listening.wsPort).toBeGreaterThan(0);
    const client = await connectAsync(`mqtt://127.0.0.1:${listening.port}`, {
      username: 'gw',
      password: 'gateway-pass',
      clientId: 'gw',
      reconnectPeriod: 0,
    });
    expect(client.connected).toBe(true);
    await client.endAsync();
    const exited = exitOf(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('main.ts refuses to start without BROKER_CREDENTIALS, naming it', async () => {
    child = run('main.ts', { MQTT_PORT: '0', MQTT_WS_PORT: '0', BROKER_CREDENTIALS: '' });
    const stderr = collect(child.stderr);
    expect(await exitOf(child)).toBe(2);
    expect(await stderr).toMatch(/BROKER_CREDENTIALS/);
  });

  it('main.ts refuses a publish-budget setting it does not understand, naming the key', async () => {
    child = run('main.ts', {
      MQTT_PORT: '0',
      MQTT_WS_PORT: '0',
      BROKER_CREDENTIALS: 'unused.yaml',
      BROKER_RATE_LIMITS: '{"rates":{"spaceSensor":{"perSecnd":1,"burst":5}}}',
    });
    const stderr = collect(child.stderr);
    expect(await exitOf(child)).toBe(2);
    const text = await stderr;
    expect(text).toMatch(/Unrecognized key: "perSecnd"/);
    expect(text).toMatch(/BROKER_RATE_LIMITS\.rates\.spaceSensor/);
  });

  it('hash-password.ts reads the password from stdin and prints a hash that verifies', async () => {
    child = run('hash-password.ts', {});
    const stdout = collect(child.stdout);
    child.stdin!.end('operator-chosen-pass\n');
    expect(await exitOf(child)).toBe(0);
    const hash = (await stdout).trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('operator-chosen-pass', hash)).toBe(true);
  });
});
