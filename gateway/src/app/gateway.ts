import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MqttLink, type Publisher } from '../adapters/mqtt/mqtt-link.ts';
import { AccountStore } from '../adapters/sqlite/accounts.ts';
import { type Db, openDatabase } from '../adapters/sqlite/database.ts';
import { Ledger } from '../adapters/sqlite/ledger.ts';
import { RegistryStore } from '../adapters/sqlite/registry-store.ts';
import type { Config, Env } from '../config/config.ts';
import type { Clock } from '../domain/clock.ts';
import { createTopics, type ParsedMessage, type Topics } from '../protocol/index.ts';
import { DeviceDispatch } from './device-dispatch.ts';
import { EventBus } from './event-bus.ts';
import { FeeService } from './fee-service.ts';
import { GateService, type RegistryPort } from './gate-service.ts';
import type { Logger } from './logger.ts';
import { Metrics } from './metrics.ts';
import { type OccupancyListener, OccupancyService } from './occupancy-service.ts';

export interface GatewayOptions {
  config: Config;
  /** The config file's folder; tariff paths resolve against it. */
  baseDir: string;
  env: Env;
  clock: Clock;
  log: Logger;
  /** Timer period for occupancy timeouts and publishing, in real milliseconds. */
  tickMs?: number;
  /** Extra listeners for occupancy snapshots (the time-series recorder). */
  occupancyListeners?: OccupancyListener[];
}

/** The application: every service the adapters call, wired once. */
export class Gateway {
  readonly topics: Topics;
  readonly db: Db;
  readonly ledger: Ledger;
  readonly accounts: AccountStore;
  readonly registry: RegistryStore;
  readonly fees: FeeService;
  readonly metrics = new Metrics();
  readonly bus = new EventBus();
  readonly occupancy: OccupancyService;
  readonly gate: GateService;
  readonly devices: DeviceDispatch;
  readonly mqtt: MqttLink;
  private timer: NodeJS.Timeout | null = null;
  private saveCounter = 0;

  constructor(readonly options: GatewayOptions) {
    const { config, env, clock, log } = options;
    this.topics = createTopics(config.topicRoot);
    this.db = openDatabase(join(env.DATA_DIR, 'ledger.db'));
    this.ledger = new Ledger(this.db);
    this.accounts = new AccountStore(this.db);
    this.registry = RegistryStore.open(this.db);
    this.fees = FeeService.load(config, options.baseDir);
    const self = this;
    const publisher: Publisher = {
      publish(topic, payload, opts) {
        return self.mqtt.publish(topic, payload, opts);
      },
    };
    this.occupancy = new OccupancyService({
      sites: config.sites,
      ledger: this.ledger,
      clock,
      publisher,
      topics: this.topics,
      bus: this.bus,
      log,
      listeners: options.occupancyListeners ?? [],
    });
    this.gate = new GateService({
      config,
      ledger: this.ledger,
      registry: registryPort(this.registry),
      fees: this.fees,
      occupancy: this.occupancy,
      publisher,
      topics: this.topics,
      clock,
      metrics: this.metrics,
      bus: this.bus,
      log,
      newId: randomUUID,
    });
    this.devices = new DeviceDispatch({
      gate: this.gate,
      ledger: this.ledger,
      occupancy: this.occupancy.engine,
      metrics: this.metrics,
      bus: this.bus,
      log,
      onOccupancyChange: (site) => this.occupancy.markDirty(site),
      onSpaceChange: () => {},
    });
    this.mqtt = new MqttLink({
      url: env.MQTT_URL,
      clientId: env.MQTT_USERNAME ?? 'gateway',
      username: env.MQTT_USERNAME,
      password: env.MQTT_PASSWORD,
      topics: this.topics,
      sites: config.sites.map((s) => s.id),
      onMessage: (message: ParsedMessage, receivedAt: number) => this.devices.dispatch(message, receivedAt),
      onRejected: (topic, code, reason) => {
        this.metrics.inc('gateway_rejected_total', { reason: code });
        log.warn({ topic: topic.slice(0, 200), code, reason }, 'device message rejected');
      },
      now: () => clock.now(),
      log,
    });
    this.metrics.describe('gateway_rejected_total', 'device messages rejected, by reason');
    this.metrics.describe('gateway_decisions_total', 'gate decisions, by site, lane and reason code');
    this.metrics.gauge('gateway_mqtt_connected', () => (this.mqtt.connected ? 1 : 0));
  }

  async start(): Promise<void> {
    this.occupancy.restore();
    await this.mqtt.start();
    await this.occupancy.flush(true);
    const tickMs = this.options.tickMs ?? 1000;
    this.timer = setInterval(() => {
      this.tick().catch((err: Error) => this.options.log.error({ err: err.message }, 'tick failed'));
    }, tickMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    await this.occupancy.flush();
    if (++this.saveCounter % 5 === 0) this.occupancy.save();
  }

  health(): { status: 'ok' | 'degraded'; mqtt: boolean; ledger: boolean; alarms: string[]; [key: string]: unknown } {
    const alarms: string[] = [];
    let ledger = true;
    try {
      this.db.prepare('SELECT 1').get();
    } catch {
      ledger = false;
      alarms.push('ledger unavailable');
    }
    if (!this.mqtt.connected) alarms.push('mqtt disconnected');
    for (const extra of this.healthChecks) alarms.push(...extra());
    return {
      status: alarms.length === 0 ? 'ok' : 'degraded',
      mqtt: this.mqtt.connected,
      ledger,
      alarms,
      ...this.healthDetails(),
    };
  }

  /** Other parts (time series, reports) add their alarms and details here. */
  readonly healthChecks: (() => string[])[] = [];
  healthDetails: () => Record<string, unknown> = () => ({});

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.mqtt.stop();
    this.occupancy.save();
    this.db.close();
  }
}

function registryPort(store: RegistryStore): RegistryPort {
  return {
    entriesFor: (site, plate) => store.entriesForPlate(site, plate),
    plates: (site) => store.allPlates(site),
  };
}
