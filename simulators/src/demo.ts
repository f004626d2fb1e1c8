import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type BrokerLogEntry, type RunningBroker, startBroker } from '../../broker/src/index.ts';
import {
  importBlacklistCsv,
  importVehiclesCsv,
  importVisitorsCsv,
} from '../../gateway/src/adapters/csv/registry-csv.ts';
import { failLoudly } from '../../gateway/src/adapters/process-guard.ts';
import type { Logger } from '../../gateway/src/app/logger.ts';
import { createLogger } from '../../gateway/src/app/logger.ts';
import { loadConfigFile, parseEnv } from '../../gateway/src/config/config.ts';
import { type RunningGateway, startGateway } from '../../gateway/src/main.ts';
import { SimCommunity, type TripEvent } from './community.ts';
import { createSiteCredentials } from './device-accounts.ts';
import { DEMO_FAULTS, type SimFaults } from './faults.ts';
import { profileFor, scaleProfile } from './profiles.ts';
import {
  blacklistCsv,
  fallbackRegistrar,
  GatewayApi,
  httpRegistrar,
  type Registrar,
  residentsCsv,
  visitorsCsv,
} from './registry-sync.ts';
import { SimClock, todayAt } from './sim-clock.ts';

export interface DemoLogin {
  username: string;
  password: string;
}

export interface StartDemoOptions {
  httpPort?: number;
  mqttPort?: number;
  /** MQTT over WebSocket for the dashboard; null = none. */
  wsPort?: number | null;
  dataDir?: string;
  /** Simulated seconds per real second (default 60). */
  speed?: number;
  /** Run the simulated devices and the day (default true). */
  simulate?: boolean;
  configFile?: string;
  /** Simulated start instant (default today 06:00 Asia/Shanghai). */
  start?: number;
  seed?: string | number;
  /** Share of each community's households and guests simulated (default 1). */
  scale?: number;
  faults?: Partial<SimFaults>;
  /** A line per display message, with the simulated time it was shown (default: none). */
  print?: (line: string, at: number) => void;
  /** Called once broker and gateway run and the registry is filled, before the simulated devices start. */
  onReady?: (demo: Omit<RunningDemo, 'communities' | 'stop'>) => void;
  /** Each gate passage of the simulation. */
  onTrip?: (trip: TripEvent) => void;
  log?: Logger;
  /** Bind address of the broker and the HTTP server (default 127.0.0.1). */
  host?: string;
}

export interface RunningDemo {
  httpUrl: string;
  mqttUrl: string;
  wsUrl: string | null;
  credentials: { admin: DemoLogin; staff: DemoLogin; bureau: DemoLogin };
  /** Every device's broker login (`{site}-{device}` and its password), for outside devices; mode 0600. */
  devicePasswordsPath: string | null;
  clock: SimClock;
  communities: SimCommunity[];
  gateway: RunningGateway;
  broker: RunningBroker;
  stop(): Promise<void>;
}

function password(): string {
  return randomBytes(9).toString('base64url');
}

/** Broker, gateway and a simulated day of every configured community, on one accelerated clock. */
export async function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  const dataDir = resolve(options.dataDir ?? './data');
  const configFile = resolve(options.configFile ?? 'config/demo.yaml');
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? createLogger({ name: 'demo', level: 'warn' });
  await mkdir(dataDir, { recursive: true });
  const { config } = loadConfigFile(configFile);
  const accounts = await createSiteCredentials(config.sites, dataDir);
  const clock = new SimClock({ start: options.start ?? todayAt(6, 'Asia/Shanghai'), speed: options.speed ?? 60 });
  const stack: (() => Promise<void>)[] = [async () => clock.stop()];
  async function unwind(): Promise<void> {
    for (const stop of stack.splice(0).reverse()) {
      await stop().catch((err) => log.error({ err: String(err) }, 'stop failed'));
    }
  }
  try {
    const broker = await startBroker({
      port: options.mqttPort ?? 1883,
      wsPort: options.wsPort === undefined ? null : options.wsPort,
      host,
      root: config.topicRoot,
      credentials: accounts.file.users,
      // The simulated devices live on the accelerated clock: their publish budgets are accelerated with it.
      rateLimits: { scale: clock.speed },
      log: function brokerLog(entry: BrokerLogEntry) {
        if (entry.level !== 'info') log.warn({ ...entry }, `broker: ${entry.event}`);
      },
    });
    stack.push(() => broker.stop());
    const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
    const gatewayLogin = accounts.logins.service('gateway');
    const credentials = {
      admin: { username: 'admin', password: process.env.ADMIN_PASSWORD ?? password() },
      staff: { username: 'staff', password: password() },
      bureau: { username: 'bureau', password: password() },
    };
    const env = parseEnv({
      MQTT_URL: mqttUrl,
      MQTT_USERNAME: gatewayLogin.username,
      MQTT_PASSWORD: gatewayLogin.password,
      HTTP_PORT: String(options.httpPort ?? 8080),
      HTTP_HOST: host,
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: credentials.admin.password,
      PAYMENT_CALLBACK_SECRET: randomBytes(24).toString('base64url'),
    });
    const gateway = await startGateway({ configFile, env, clock, log });
    stack.push(() => gateway.stop());
    const siteIds = config.sites.map((s) => s.id);
    gateway.gateway.accounts.upsertUser(
      { username: 'staff', role: 'staff', sites: siteIds, displayName: '物业值班员' },
      credentials.staff.password,
    );
    gateway.gateway.accounts.upsertUser(
      { username: 'bureau', role: 'bureau', sites: [], displayName: '住建局' },
      credentials.bureau.password,
    );

    const api = new GatewayApi(gateway.httpUrl);
    await api.login(credentials.admin.username, credentials.admin.password);
    const registry = gateway.gateway.registry;
    const inProcess: Registrar = {
      async residents(site, population) {
        importVehiclesCsv(registry, residentsCsv(population), { site, importedBy: 'demo' });
      },
      async visitors(site, visits) {
        for (const host of new Set(visits.map((v) => v.host))) {
          if (!registry.households.has(site, host)) registry.households.put({ site, id: host, room: host });
        }
        importVisitorsCsv(registry, visitorsCsv(visits), { site, importedBy: 'demo' });
      },
      async blacklist(site, vehicles) {
        importBlacklistCsv(registry, blacklistCsv(vehicles), { site, importedBy: 'demo' });
      },
    };
    const warn = (m: string) => log.warn({}, m);
    const registrar = fallbackRegistrar(httpRegistrar(api, warn), inProcess, warn);

    const communities = config.sites.map(
      (site) =>
        new SimCommunity({
          site,
          profile: scaleProfile(profileFor(site.id, site.households), options.scale ?? 1),
          clock,
          brokerUrl: mqttUrl,
          root: config.topicRoot,
          logins: accounts.logins,
          seed: options.seed ?? 'demo',
          faults: options.faults ?? DEMO_FAULTS,
          print: options.print ? (line) => options.print!(`${site.name} ${line}`, clock.now()) : undefined,
          beforeDay: (plan) =>
            registrar.visitors(
              site.id,
              plan.visits.filter((v) => v.preRegistered),
            ),
        }),
    );
    for (const community of communities) {
      await registrar.residents(community.site.id, community.population);
      await registrar.blacklist(community.site.id, community.population.blacklist);
      if (options.onTrip) community.on('trip', options.onTrip);
      community.on('deviceError', (err: unknown) =>
        log.warn({ site: community.site.id, err: String(err) }, 'simulated device error'),
      );
    }
    const wsUrl = broker.wsPort === null ? null : `ws://127.0.0.1:${broker.wsPort}/mqtt`;
    const ready = {
      httpUrl: gateway.httpUrl,
      mqttUrl,
      wsUrl,
      credentials,
      devicePasswordsPath: accounts.passwordsPath,
      clock,
      gateway,
      broker,
    };
    options.onReady?.(ready);
    if (options.simulate ?? true) {
      for (const community of communities) {
        stack.push(() => community.stop());
        await community.start();
      }
    }
    return { ...ready, communities, stop: unwind };
  } catch (err) {
    await unwind();
    throw err;
  }
}

const SHANGHAI_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function localClock(epochMs: number): string {
  return SHANGHAI_TIME.format(epochMs);
}

/** `npm start`: the demo as a program; environment HTTP_PORT, MQTT_PORT, MQTT_WS_PORT, DATA_DIR, DEMO_SPEED, … */
async function main(): Promise<void> {
  failLoudly('demo');
  const env = process.env;
  const num = (name: string, fallback: number) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${name} must be a non-negative number, not "${env[name]}"`);
    return value;
  };
  const out = (line: string) => process.stdout.write(`${line}\n`);
  function banner(demo: Omit<RunningDemo, 'communities' | 'stop'>): void {
    const { admin, staff, bureau } = demo.credentials;
    out('');
    out('小区智能停车演示 / Smart-parking demo');
    out(`  仪表盘 Dashboard   ${demo.httpUrl}/`);
    out(`  HTTP API           ${demo.httpUrl}/api  (OpenAPI: ${demo.httpUrl}/docs/json)`);
    out(`  MQTT               ${demo.mqttUrl}${demo.wsUrl ? `   WebSocket ${demo.wsUrl}` : ''}`);
    out(`  管理员 admin       ${admin.username} / ${admin.password}`);
    out(`  物业 staff         ${staff.username} / ${staff.password}`);
    out(`  住建局 bureau      ${bureau.username} / ${bureau.password}`);
    if (demo.devicePasswordsPath)
      out(`  设备账号 devices   ${demo.devicePasswordsPath}  (username {site}-{device}, mode 0600)`);
    out(`  模拟时钟 clock     ${localClock(demo.clock.now())} (Asia/Shanghai), ${demo.clock.speed}× real time`);
    out('  Ctrl-C stops everything.');
    out('');
  }
  let demo: RunningDemo | null = null;
  let stopping = false;
  function stopNow(running: RunningDemo): void {
    const guard = setTimeout(() => {
      process.stderr.write('stop took longer than 15 s; exiting\n');
      process.exit(1);
    }, 15_000);
    guard.unref();
    running.stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`stop failed: ${err}\n`);
        process.exit(1);
      },
    );
  }
  function shutdown(signal: string): void {
    if (stopping) return;
    stopping = true;
    out(`${signal}: stopping devices, gateway and broker…`);
    // A signal during start-up is acted on as soon as start-up is done.
    if (demo) stopNow(demo);
  }
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  demo = await startDemo({
    httpPort: num('HTTP_PORT', 8080),
    mqttPort: num('MQTT_PORT', 1883),
    wsPort: env.MQTT_WS_PORT === 'off' ? null : num('MQTT_WS_PORT', 8083),
    dataDir: env.DATA_DIR ?? './data',
    speed: num('DEMO_SPEED', 60),
    configFile: env.GATEWAY_CONFIG ?? 'config/demo.yaml',
    seed: env.DEMO_SEED ?? 'demo',
    faults: env.DEMO_FAULTS === 'off' ? {} : DEMO_FAULTS,
    host: env.HTTP_HOST ?? '127.0.0.1',
    onReady: banner,
    print: (line, at) => out(`${localClock(at)} ${line}`),
  });
  if (stopping) stopNow(demo);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
