import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { buildApp } from './adapters/http/build-app.ts';
import { failLoudly } from './adapters/process-guard.ts';
import { createLogger, type Logger } from './app/logger.ts';
import { composeGateway } from './compose.ts';
import { ConfigError, type Env, loadConfigFile, parseEnv } from './config/config.ts';
import type { Clock } from './domain/clock.ts';
import type { Gateway } from './gateway.ts';

export const systemClock: Clock = { now: () => Date.now() };

export interface StartGatewayOptions {
  configFile: string;
  env: Env;
  clock?: Clock;
  log?: Logger;
  /** Timer period for occupancy timeouts and publishing, in real ms. */
  tickMs?: number;
  /** `INFLUX_*` variables (default: none, local time series). */
  influxEnv?: Record<string, string | undefined>;
  /** Run the node-cron report schedules (default true). */
  cron?: boolean;
}

export interface RunningGateway {
  httpUrl: string;
  port: number;
  gateway: Gateway;
  stop(): Promise<void>;
}

/** The composition root: config, ledger, services, MQTT and HTTP; `stop()` closes everything it opened. */
export async function startGateway(opts: StartGatewayOptions): Promise<RunningGateway> {
  const log = opts.log ?? createLogger({ name: 'gateway' });
  const { config, baseDir } = loadConfigFile(opts.configFile);
  const gateway = composeGateway({
    config,
    baseDir,
    env: opts.env,
    clock: opts.clock ?? systemClock,
    log,
    ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
    ...(opts.influxEnv ? { influxEnv: opts.influxEnv } : {}),
    ...(opts.cron === undefined ? {} : { cron: opts.cron }),
  });
  if (opts.env.ADMIN_PASSWORD) {
    gateway.accounts.upsertUser(
      { username: 'admin', role: 'admin', sites: ['*'], displayName: '管理员' },
      opts.env.ADMIN_PASSWORD,
    );
  }
  const app = await buildApp({ gateway, paymentSecret: opts.env.PAYMENT_CALLBACK_SECRET });
  try {
    await gateway.start();
    await app.listen({ port: opts.env.HTTP_PORT, host: opts.env.HTTP_HOST });
  } catch (err) {
    await app.close();
    await gateway.stop();
    throw err;
  }
  const port = (app.server.address() as AddressInfo).port;
  const host = opts.env.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : opts.env.HTTP_HOST;
  log.info({ port, sites: config.sites.map((s) => s.id) }, 'gateway listening');
  return {
    httpUrl: `http://${host}:${port}`,
    port,
    gateway,
    async stop() {
      await app.close();
      await gateway.stop();
    },
  };
}

async function main(): Promise<void> {
  failLoudly('gateway');
  const log = createLogger({ name: 'gateway' });
  try {
    const env = parseEnv(process.env);
    const configFile = resolve(process.env.GATEWAY_CONFIG ?? 'config/demo.yaml');
    // Handlers go in before start-up, so a signal during start-up still ends in a clean stop.
    let stopRequested: string | null = null;
    let running: RunningGateway | null = null;
    const shutdown = (signal: string) => {
      log.info({ signal }, 'stopping');
      stopRequested = signal;
      if (!running) return;
      running.stop().then(
        () => process.exit(0),
        (err: Error) => {
          log.error({ err: err.message, stack: err.stack }, 'stop failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    running = await startGateway({ configFile, env, log, influxEnv: process.env });
    if (stopRequested) shutdown(stopRequested);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    if ((err as { code?: unknown }).code === 'ERR_LEDGER_UNAVAILABLE') {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await main();
}
