import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialsFor } from '../../broker/src/demo-credentials.ts';
import { CRASH_EXIT_CODE } from '../../gateway/src/adapters/process-guard.ts';
import { parseConfigText } from '../../gateway/src/config/config.ts';
import { deviceIdentities } from '../../gateway/src/config/device-identities.ts';
import { type RestartableServer, startRedis } from '../servers.ts';
import { plateEvent, testConfigYaml } from '../support/community.ts';
import { until } from './support/run-day.ts';

const repo = resolve(import.meta.dirname, '../..');

interface BrokerProgram {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm run broker` as an operator runs it, in Redis mode, on a free port. */
async function startBrokerProgram(env: Record<string, string>): Promise<BrokerProgram> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'broker/src/main.ts'], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', MQTT_PORT: '0', MQTT_WS_PORT: '0', MQTT_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  let port = 0;
  await until('the broker listening', () => {
    const line = text.split('\n').find((l) => l.includes('"event":"listening"'));
    if (line) port = (JSON.parse(line) as { port: number }).port;
    if (child.exitCode !== null) throw new Error(`broker exited (${child.exitCode}):\n${text}`);
    return port > 0;
  });
  return { child, port, output: () => text, exited };
}

describe('broker program in Redis mode, Redis killed mid-traffic, then the broker stopped', () => {
  let redis: RestartableServer | null = null;
  let broker: BrokerProgram | null = null;
  const clients: MqttClient[] = [];
  let dir = '';
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    if (broker && broker.child.exitCode === null) broker.child.kill('SIGKILL');
    await broker?.exited;
    broker = null;
    await redis?.stop();
    redis = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the outage, stops on SIGTERM with exit code 0 and no unhandled rejection', async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'broker-redis-loss-'));
    const config = parseConfigText(testConfigYaml(), 'site.yaml');
    const creds = await credentialsFor(deviceIdentities(config));
    const passwords = new Map(creds.clients.map((c) => [c.username, c.password]));
    const credentialsFile = join(dir, 'credentials.json');
    writeFileSync(credentialsFile, JSON.stringify(creds.file));
    broker = await startBrokerProgram({ BROKER_CREDENTIALS: credentialsFile, BROKER_REDIS_URL: redis.url });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const connect = async (username: string, opts: mqtt.IClientOptions = {}) => {
      const client = await mqtt.connectAsync(url, {
        clientId: username,
        username,
        password: passwords.get(username),
        reconnectPeriod: 0,
        ...opts,
      });
      clients.push(client);
      return client;
    };
    // A persistent subscriber (its queue lives in Redis) and a camera publishing QoS 1 reads.
    const gateway = await connect('gateway', { clean: false });
    let received = 0;
    gateway.on('message', () => {
      received++;
    });
    await gateway.subscribeAsync('parking/s1/gate/+/plate', { qos: 1 });
    const camera = await connect('cam-in');
    const failures: string[] = [];
    let acked = 0;
    const publish = (i: number) =>
      camera.publish(
        'parking/s1/gate/g1/plate',
        plateEvent('cam-in', 'entry', `苏E${String(60000 + i)}`, Date.now()),
        { qos: 1 },
        (err) => {
          if (err) failures.push(err.message);
          else acked++;
        },
      );
    for (let i = 0; i < 20; i++) publish(i);
    await until('the first reads delivered through Redis', () => received >= 20, 20_000);

    // Redis dies (SIGKILL) while reads keep coming: the broker says so and keeps running.
    await redis.halt();
    for (let i = 20; i < 60; i++) publish(i);
    await until('the outage reported', () => broker?.output().includes('redis') === true, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(broker.child.exitCode).toBeNull();

    broker.child.kill('SIGTERM');
    const exit = await Promise.race([broker.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    const output = broker.output();
    expect(output).not.toContain('"level":"fatal"');
    expect(output.toLowerCase()).not.toContain('unhandled');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exit).not.toEqual({ code: CRASH_EXIT_CODE, signal: null });
    expect(acked).toBeGreaterThanOrEqual(20);
  }, 90_000);
});
