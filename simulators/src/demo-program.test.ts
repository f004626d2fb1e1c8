import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
const configFile = 'config/demo.yaml';
let child: ChildProcess | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-program-'));
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('npm start as a user runs it', () => {
  it('prints where to look and the display lines, and stops cleanly on SIGTERM with exit code 0', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'simulators/src/demo.ts'], {
      env: {
        ...process.env,
        HTTP_PORT: '0',
        MQTT_PORT: '0',
        MQTT_WS_PORT: '0',
        DATA_DIR: join(dir, 'data'),
        DEMO_SPEED: '120',
        GATEWAY_CONFIG: configFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const sawDisplay = new Promise<void>((resolveSeen, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (/Dashboard/.test(stdout) && /\d\d:\d\d \S+ \[\S+ 入口\] /.test(stdout)) resolveSeen();
      });
      proc.once('exit', (code) => reject(new Error(`demo exited early (${code}): ${stderr.slice(-2000)}`)));
    });
    await sawDisplay;
    const exited = new Promise<number | null>((resolveExit) => proc.once('exit', (code) => resolveExit(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/Dashboard\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).toMatch(/MQTT\s+mqtt:\/\/127\.0\.0\.1:\d+\s+WebSocket ws:\/\/127\.0\.0\.1:\d+\/mqtt/);
    expect(stdout).toMatch(/staff\s+staff \/ \S{8,}/);
    expect(stdout).toMatch(/bureau\s+bureau \/ \S{8,}/);
    expect(stdout).toContain('SIGTERM: stopping');
  }, 60_000);
});
