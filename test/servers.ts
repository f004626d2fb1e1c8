import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private server on a loopback port, in its own temp dir. `stop()` kills it, waits for exit and removes the dir. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

/** A server that can be taken down and brought back on the same port and data dir (outage tests). */
export interface RestartableServer extends TestServer {
  /** Kill the process (SIGKILL, like a crash) and wait for its exit; the data dir stays. */
  halt(): Promise<void>;
  /** Start it again on the same port and data dir and wait until it answers. */
  resume(): Promise<void>;
  readonly running: boolean;
}

const READY_TIMEOUT_MS = 30_000;

function findBinary(name: string, debianPackage: string): string {
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(`${name} not found in /usr/bin or /usr/sbin: install the Debian package '${debianPackage}'`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', function onListening() {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(function onClosed() {
        resolve(port);
      });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const done = exited(child);
  child.kill(signal);
  await done;
}

/** Polls `probe` until it resolves true; fails early if the process dies, with its output. */
async function waitUntil(
  what: string,
  child: ChildProcess,
  output: () => string,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let delay = 20;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
  await kill(child, 'SIGKILL');
  throw new Error(`${what} not ready after ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

function launch(binary: string, args: string[], cwd: string): { child: ChildProcess; output: () => string } {
  const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  function collect(chunk: Buffer): void {
    text = (text + chunk.toString('utf8')).slice(-8000);
  }
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => text };
}

async function httpStatus(url: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.status;
}

function tcpAnswers(port: number, send?: string, expect?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let received = '';
    socket.setTimeout(2000);
    socket.on('connect', function onConnect() {
      if (send === undefined) {
        socket.end();
        resolve(true);
      } else socket.write(send);
    });
    socket.on('data', function onData(chunk) {
      received += chunk.toString('utf8');
      if (expect !== undefined && received.includes(expect)) {
        socket.end();
        resolve(true);
      }
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

interface Spec {
  what: string;
  binary: string;
  args: string[];
  ready: () => Promise<boolean>;
}

async function restartable(
  name: string,
  make: (dir: string, port: number) => Promise<Spec>,
): Promise<RestartableServer> {
  const dir = await mkdtemp(join(tmpdir(), `parking-${name}-`));
  const port = await freePort();
  const spec = await make(dir, port);
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const launched = launch(spec.binary, spec.args, dir);
    child = launched.child;
    await waitUntil(spec.what, launched.child, launched.output, spec.ready);
  }
  async function halt(): Promise<void> {
    if (child) await kill(child, 'SIGKILL');
    child = undefined;
  }
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return child !== undefined;
    },
    halt,
    resume: start,
    async stop() {
      if (child) await kill(child, 'SIGTERM');
      child = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's InfluxDB 1.x (`influxd`), HTTP on a free loopback port, reporting off; ready when `/ping` answers 204. */
export function startInfluxDb1(): Promise<RestartableServer> {
  const binary = findBinary('influxd', 'influxdb');
  return restartable('influxdb1', async (dir, port) => {
    const rpcPort = await freePort();
    const config = [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${port}"`,
      '  log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '[subscriber]',
      '  enabled = false',
      '',
    ].join('\n');
    const configPath = join(dir, 'influxdb.conf');
    await writeFile(configPath, config);
    return {
      what: 'influxd',
      binary,
      args: ['run', '-config', configPath],
      ready: async () => (await httpStatus(`http://127.0.0.1:${port}/ping`)) === 204,
    };
  });
}

/**
 * Debian's VictoriaMetrics single node; accepts `/api/v2/write` and serves `/api/v1/export`. Retention 100 years.
 * `extraArgs` adds flags, e.g. `-httpAuth.username=u -httpAuth.password=p` to get real 401s.
 */
export function startVictoriaMetrics(extraArgs: string[] = []): Promise<RestartableServer> {
  const binary = findBinary('victoria-metrics', 'victoria-metrics');
  return restartable('victoria-metrics', async (dir, port) => {
    await mkdir(join(dir, 'data'));
    return {
      what: 'victoria-metrics',
      binary,
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(dir, 'data')}`,
        '-retentionPeriod=100y',
        '-search.latencyOffset=0s',
        '-loggerLevel=ERROR',
        ...extraArgs,
      ],
      ready: async () => [200, 401].includes(await httpStatus(`http://127.0.0.1:${port}/health`)),
    };
  });
}

/** Debian's Mosquitto on a free loopback port; `conf` lines are appended to a generated config (anonymous allowed). */
export function startMosquitto(conf: string[] = []): Promise<RestartableServer> {
  const binary = findBinary('mosquitto', 'mosquitto');
  return restartable('mosquitto', async (dir, port) => {
    const configPath = join(dir, 'mosquitto.conf');
    const lines = [
      `listener ${port} 127.0.0.1`,
      ...(conf.some((l) => l.startsWith('allow_anonymous')) ? [] : ['allow_anonymous true']),
      'persistence true',
      `persistence_location ${dir}/`,
      'log_dest stderr',
      ...conf,
      '',
    ];
    await writeFile(configPath, lines.join('\n'));
    return { what: 'mosquitto', binary, args: ['-c', configPath], ready: () => tcpAnswers(port) };
  }).then(function mqttUrl(server) {
    return Object.assign(server, { url: `mqtt://127.0.0.1:${server.port}` });
  });
}

/** Debian's Redis on a free loopback port, no persistence; ready when PING answers PONG. */
export function startRedis(): Promise<RestartableServer> {
  const binary = findBinary('redis-server', 'redis-server');
  return restartable('redis', async (dir, port) => ({
    what: 'redis-server',
    binary,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    ready: () => tcpAnswers(port, 'PING\r\n', '+PONG'),
  })).then(function redisUrl(server) {
    return Object.assign(server, { url: `redis://127.0.0.1:${server.port}` });
  });
}
