import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MqttLink } from './adapters/mqtt/mqtt-link.ts';
import { LedgerReportSource } from './adapters/report-source.ts';
import { AccountStore } from './adapters/sqlite/accounts.ts';
import { openDatabase } from './adapters/sqlite/database.ts';
import { Ledger } from './adapters/sqlite/ledger.ts';
import { RegistryStore } from './adapters/sqlite/registry-store.ts';
import { createTimeSeries, timeSeriesConfigFromEnv } from './adapters/timeseries/index.ts';
import { DeviceDispatch } from './app/device-dispatch.ts';
import { EventBus } from './app/event-bus.ts';
import { FeeService } from './app/fee-service.ts';
import { GateService, type RegistryPort } from './app/gate-service.ts';
import { Metrics } from './app/metrics.ts';
import { OccupancyService } from './app/occupancy-service.ts';
import type { Publisher } from './app/ports.ts';
import { ConfigError, formatIssues } from './config/config.ts';
import { Gateway, type GatewayOptions } from './gateway.ts';
import { createTopics, type ParsedMessage } from './protocol/index.ts';
import { BureauAggregator } from './reports/bureau-aggregator.ts';
import { ReportScheduler } from './reports/report-scheduler.ts';
import { ReportService } from './reports/report-service.ts';
import { ReportStore } from './reports/report-store.ts';

/**
 * The composition root: opens the ledger, builds the adapters (SQLite stores, MQTT link, time series) and the
 * application services on their ports, wires them, and hands the parts to a `Gateway`. The only module that knows
 * both sides; the application layer (app/) imports no adapter (test/architecture.test.ts).
 */
export function composeGateway(options: GatewayOptions): Gateway {
  const { config, env, clock, log } = options;
  const topics = createTopics(config.topicRoot);
  const db = openDatabase(join(env.DATA_DIR, 'ledger.db'));
  const ledger = new Ledger(db);
  const accounts = new AccountStore(db);
  const registry = RegistryStore.open(db);
  const fees = FeeService.load(config, options.baseDir, registryPort(registry));
  const metrics = new Metrics();
  const bus = new EventBus();
  // Services publish through the link, which needs the gateway to deliver device messages to: bound once both exist.
  let gateway: Gateway | null = null;
  let mqtt: MqttLink | null = null;
  const publisher: Publisher = {
    publish(topic, payload, opts) {
      if (!mqtt) return Promise.reject(new Error('the MQTT link is not built yet'));
      return mqtt.publish(topic, payload, opts);
    },
  };
  const occupancy = new OccupancyService({
    sites: config.sites,
    ledger,
    clock,
    publisher,
    topics,
    bus,
    log,
    listeners: options.occupancyListeners ?? [],
  });
  const gate = new GateService({
    config,
    ledger,
    registry: registryPort(registry),
    fees,
    occupancy,
    publisher,
    topics,
    clock,
    metrics,
    bus,
    log,
    newId: randomUUID,
  });
  const devices = new DeviceDispatch({
    gate,
    ledger,
    occupancy: occupancy.engine,
    metrics,
    bus,
    log,
    onOccupancyChange: (site) => occupancy.markDirty(site),
  });
  mqtt = new MqttLink({
    url: env.MQTT_URL,
    clientId: env.MQTT_USERNAME ?? 'gateway',
    username: env.MQTT_USERNAME,
    password: env.MQTT_PASSWORD,
    topics,
    sites: config.sites.map((s) => s.id),
    onMessage: (message: ParsedMessage, receivedAt: number) => {
      if (!gateway) return Promise.reject(new Error('a device message before the gateway was built'));
      return gateway.handleDevice(message, receivedAt);
    },
    onRejected: (topic, code, reason) => {
      metrics.inc('gateway_rejected_total', { reason: code });
      log.warn({ topic: topic.slice(0, 200), code, reason }, 'device message rejected');
    },
    now: () => clock.now(),
    log,
  });
  const link = mqtt;
  const tsConfig = timeSeriesConfigFromEnv(options.influxEnv ?? {});
  if (!tsConfig.success) throw new ConfigError(formatIssues(tsConfig.error, 'INFLUX_* environment'));
  const timeSeries = createTimeSeries({ db, config: tsConfig.data, clock });
  const writerStatus = () => {
    const status = timeSeries.status();
    return status.target === 'influxdb' ? status : null;
  };
  metrics.describe('gateway_outbox_points', 'time-series points waiting in the outbox');
  metrics.gauge('gateway_outbox_points', () => writerStatus()?.outboxSize ?? 0);
  metrics.gauge('gateway_outbox_oldest_age_ms', () => writerStatus()?.oldestAgeMs ?? 0);
  metrics.gauge('gateway_outbox_dead_letters', () => writerStatus()?.deadLetters ?? 0);
  metrics.gauge('gateway_timeseries_alarm', () => (writerStatus()?.alarm ? 1 : 0));
  const reportStore = new ReportStore(db);
  const reportSource = new LedgerReportSource({
    sites: config.sites,
    ledger,
    registry,
    history: timeSeries.history,
    devices,
  });
  const reports = new ReportService({
    source: reportSource,
    store: reportStore,
    publish: (_topic, summary) => {
      if (!gateway) return Promise.reject(new Error('a report before the gateway was built'));
      return gateway.publishReport(summary);
    },
    clock,
    sites: config.sites,
    onError: (err, ctx) => log.error({ err: (err as Error).message, ...ctx }, 'report failed'),
  });
  const bureau = new BureauAggregator();
  for (const summary of reportStore.summaries({ limit: 10_000 })) bureau.add(summary);
  const scheduler = options.cron === false ? null : new ReportScheduler(reports, { sites: config.sites });
  metrics.describe('gateway_rejected_total', 'device messages rejected, by reason');
  metrics.describe('gateway_decisions_total', 'gate decisions, by site, lane and reason code');
  metrics.gauge('gateway_mqtt_connected', () => (link.connected ? 1 : 0));
  gateway = new Gateway({
    options,
    topics,
    db,
    ledger,
    accounts,
    registry,
    fees,
    metrics,
    bus,
    occupancy,
    gate,
    devices,
    mqtt: link,
    timeSeries,
    reportStore,
    reports,
    reportSource,
    bureau,
    scheduler,
  });
  return gateway;
}

function registryPort(store: RegistryStore): RegistryPort {
  return {
    entriesFor: (site, plate) => store.entriesForPlate(site, plate),
    plates: (site) => store.allPlates(site),
  };
}
