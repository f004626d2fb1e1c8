import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
const READY_TIMEOUT_MS = 60_000;

export interface GatewayProcessOptions {
  configFile: string;
  dataDir: string;
  mqttUrl: string;
  mqttUsername: string;
  mqttPassword: string;
  /** More environment variables (ADMIN_PASSWORD, INFLUX_URL, …). */
  env?: Record<string, string>;
}

export interface GatewayExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The gateway as a user runs it (`gateway/src/main.ts` under tsx) in a child process of its own. */
export interface GatewayProcess {
  readonly pid: number;
  readonly httpUrl: string;
  /** Its log so far (JSON lines from stderr, plus stdout), last 64 kB. */
  output(): string;
  /** Resolves with the first log line that `match` accepts, parsed; rejects if the process exits first. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly exited: Promise<GatewayExit>;
  /** Send a signal (default SIGKILL, like a crash or the OOM killer) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<GatewayExit>;
}

function childEnv(opts: GatewayProcessOptions): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const base: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) base[key] = process.env[key];
  return {
    ...base,
    GATEWAY_CONFIG: opts.configFile,
    DATA_DIR: opts.dataDir,
    MQTT_URL: opts.mqttUrl,
    MQTT_USERNAME: opts.mqttUsername,
    MQTT_PASSWORD: opts.mqttPassword,
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    ...opts.env,
  };
}

function spawnGateway(opts: GatewayProcessOptions): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<GatewayExit>;
  lines: (listener: (line: string) => void) => () => void;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: repo,
    env: childEnv(opts),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let partial = '';
  const listeners = new Set<(line: string) => void>();
  function collect(chunk: Buffer): void {
    const s = chunk.toString('utf8');
    text = (text + s).slice(-64_000);
    partial += s;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) for (const listener of listeners) listener(line);
  }
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<GatewayExit>((resolveExit) => {
    child.once('exit', function onExit(code, signal) {
      resolveExit({ code, signal });
    });
  });
  return {
    child,
    output: () => text,
    exited,
    lines(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function parseLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Starts the gateway and waits for its "gateway listening" log line; fails with its output if it exits first. */
export async function startGatewayProcess(opts: GatewayProcessOptions): Promise<GatewayProcess> {
  const { child, output, exited, lines } = spawnGateway(opts);

  function waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs = READY_TIMEOUT_MS) {
    return new Promise<Record<string, unknown>>((resolveLine, reject) => {
      const timer = setTimeout(() => {
        stopListening();
        reject(new Error(`gateway log line not seen in ${timeoutMs} ms:\n${output()}`));
      }, timeoutMs);
      const stopListening = lines(function onLine(line) {
        const parsed = parseLine(line);
        if (!parsed || !match(parsed)) return;
        clearTimeout(timer);
        stopListening();
        resolveLine(parsed);
      });
      exited.then(function onExit(exit) {
        clearTimeout(timer);
        stopListening();
        reject(new Error(`gateway exited (${exit.code ?? exit.signal}) first:\n${output()}`));
      }, reject);
    });
  }

  let listening: Record<string, unknown>;
  try {
    listening = await waitForLog((l) => l.msg === 'gateway listening');
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
  return {
    pid: child.pid ?? 0,
    httpUrl: `http://127.0.0.1:${listening.port}`,
    output,
    waitForLog,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the gateway expecting it to stop by itself (a start-up failure): its exit and its output. */
export async function runGatewayToExit(
  opts: GatewayProcessOptions,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<GatewayExit & { output: string }> {
  const { child, output, exited } = spawnGateway(opts);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await exited;
  clearTimeout(timer);
  return { ...exit, output: output() };
}
