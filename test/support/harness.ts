import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { credentialsFor, type RateLimitsInput, type RunningBroker, startBroker } from '../../broker/src/index.ts';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { type Config, type Env, parseConfigText, parseEnv } from '../../gateway/src/config/config.ts';
import { deviceIdentities } from '../../gateway/src/config/device-identities.ts';
import type { Clock } from '../../gateway/src/domain/clock.ts';
import { type RunningGateway, startGateway } from '../../gateway/src/main.ts';

/**
 * The one way tests start the parts of a community: a data dir with its config file, a broker with an account for
 * every device of the config, gateways on that broker, and device clients. The gate, HTTP, chaos, replay and
 * multi-site tests all build on these.
 */

export interface TestSite {
  dir: string;
  configFile: string;
  config: Config;
  /** Removes the data dir. */
  remove(): void;
}

/** A fresh data dir (or the one given) holding `yaml` as the gateway's config file. */
export function writeSite(yaml: string, opts: { dir?: string; prefix?: string; file?: string } = {}): TestSite {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), opts.prefix ?? 'site-'));
  const configFile = join(dir, opts.file ?? 'site.yaml');
  writeFileSync(configFile, yaml);
  return {
    dir,
    configFile,
    config: parseConfigText(yaml, configFile),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

type Identity = Parameters<typeof credentialsFor>[0][number];

export interface TestBroker {
  url: string;
  /** The in-process aedes broker; null when the test runs against another broker (Mosquitto). */
  broker: RunningBroker | null;
  /** Device and service passwords by username (empty on an external broker: anonymous clients). */
  passwords: Map<string, string>;
  /** A connected client as `username` (client id `clientId`, default the username); ended by `stop()`. */
  connect(username: string, opts?: mqtt.IClientOptions): Promise<MqttClient>;
  /** Ends every client it connected (force). */
  closeClients(): Promise<void>;
  /** Ends every client it connected (force), then the broker. */
  stop(): Promise<void>;
}

/** The identities of every device of these configs, and of the gateway service account(s). */
export function identitiesOf(...configs: Config[]): Identity[] {
  const all = new Map<string, Identity>();
  for (const config of configs) for (const w of deviceIdentities(config)) all.set(w.username, w);
  return [...all.values()];
}

/** An aedes broker on a free port with an account per identity; or, with `external`, that broker's URL. */
export async function startTestBroker(opts: {
  identities: Identity[];
  external?: string;
  /**
   * Publish budgets. Default: every rate ×1000, since test devices live on a manual clock and send a day's events in
   * seconds; a test of the budgets themselves passes the real ones (`{}`).
   */
  rateLimits?: RateLimitsInput;
}): Promise<TestBroker> {
  const creds = await credentialsFor(opts.identities);
  const passwords = new Map(creds.clients.map((c) => [c.username, c.password]));
  if (opts.external) passwords.clear();
  const broker = opts.external
    ? null
    : await startBroker({
        credentials: creds.file.users,
        port: 0,
        wsPort: null,
        log: () => {},
        rateLimits: opts.rateLimits ?? { scale: 1000 },
      });
  const url = opts.external ?? `mqtt://127.0.0.1:${broker?.port}`;
  const clients: MqttClient[] = [];
  return {
    url,
    broker,
    passwords,
    async connect(username, clientOpts = {}) {
      const client = await mqtt.connectAsync(url, {
        clientId: username,
        username,
        password: passwords.get(username),
        reconnectPeriod: 0,
        ...clientOpts,
      });
      clients.push(client);
      return client;
    },
    async closeClients() {
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    },
    async stop() {
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
      await broker?.stop();
    },
  };
}

/** The environment a gateway on this broker runs with (its own account `username`, default `gateway`). */
export function gatewayEnv(opts: {
  broker: TestBroker;
  dataDir: string;
  username?: string;
  extra?: Record<string, string>;
}): Env {
  const username = opts.username ?? 'gateway';
  const password = opts.broker.passwords.get(username);
  return parseEnv({
    MQTT_URL: opts.broker.url,
    MQTT_USERNAME: username,
    ...(password ? { MQTT_PASSWORD: password } : {}),
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    ...opts.extra,
  });
}

/** A gateway in this process on the site's config and data dir, on the test's clock. */
export function startTestGateway(opts: {
  broker: TestBroker;
  site: TestSite;
  clock: Clock;
  username?: string;
  tickMs?: number;
  influxEnv?: Record<string, string>;
  env?: Record<string, string>;
}): Promise<RunningGateway> {
  const env = gatewayEnv({
    broker: opts.broker,
    dataDir: opts.site.dir,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.env ? { extra: opts.env } : {}),
  });
  return startGateway({
    configFile: opts.site.configFile,
    env,
    clock: opts.clock,
    log: silentLogger,
    tickMs: opts.tickMs ?? 50,
    cron: false,
    ...(opts.influxEnv ? { influxEnv: opts.influxEnv } : {}),
  });
}
