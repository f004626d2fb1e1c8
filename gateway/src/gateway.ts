import type { MqttLink } from './adapters/mqtt/mqtt-link.ts';
import type { LedgerReportSource } from './adapters/report-source.ts';
import type { AccountStore } from './adapters/sqlite/accounts.ts';
import type { Db } from './adapters/sqlite/database.ts';
import type { Ledger } from './adapters/sqlite/ledger.ts';
import type { RegistryStore } from './adapters/sqlite/registry-store.ts';
import type { TimeSeries } from './adapters/timeseries/index.ts';
import type { DeviceDispatch } from './app/device-dispatch.ts';
import type { EventBus } from './app/event-bus.ts';
import type { FeeService } from './app/fee-service.ts';
import type { GateService } from './app/gate-service.ts';
import type { Logger } from './app/logger.ts';
import type { Metrics } from './app/metrics.ts';
import type { OccupancyListener, OccupancyService } from './app/occupancy-service.ts';
import { bridgeTimeSeries } from './app/timeseries-bridge.ts';
import type { Config, Env } from './config/config.ts';
import type { Clock } from './domain/clock.ts';
import type { ParsedMessage, Topics } from './protocol/index.ts';
import type { BureauAggregator } from './reports/bureau-aggregator.ts';
import type { ReportSummary } from './reports/report.ts';
import { topicPeriod, toReportPayload } from './reports/report-payload.ts';
import type { ReportScheduler } from './reports/report-scheduler.ts';
import type { ReportService } from './reports/report-service.ts';
import type { ReportStore } from './reports/report-store.ts';

export interface GatewayOptions {
  config: Config;
  /** The config file's folder; tariff paths resolve against it. */
  baseDir: string;
  env: Env;
  clock: Clock;
  log: Logger;
  /** Timer period for occupancy timeouts and publishing, in real milliseconds. */
  tickMs?: number;
  /** Extra listeners for occupancy snapshots. */
  occupancyListeners?: OccupancyListener[];
  /** `INFLUX_*` variables; none set = time series kept in the local store. */
  influxEnv?: Record<string, string | undefined>;
  /** Run the node-cron report schedules (off in tests that drive the clock by hand). */
  cron?: boolean;
}

/** Idempotency keys of device events are kept this long: far past any broker redelivery. */
export const EVENT_KEYS_KEPT_MS = 7 * 86_400_000;

/** Occupancy snapshots go to the time series at this step of gateway (clock) time. */
const SNAPSHOT_EVERY_MS = 60_000;

/** The parts a running gateway is made of, built and wired by `composeGateway` (compose.ts). */
export interface GatewayParts {
  options: GatewayOptions;
  topics: Topics;
  db: Db;
  ledger: Ledger;
  accounts: AccountStore;
  registry: RegistryStore;
  fees: FeeService;
  metrics: Metrics;
  bus: EventBus;
  occupancy: OccupancyService;
  gate: GateService;
  devices: DeviceDispatch;
  mqtt: MqttLink;
  timeSeries: TimeSeries;
  reportStore: ReportStore;
  reports: ReportService;
  reportSource: LedgerReportSource;
  bureau: BureauAggregator;
  scheduler: ReportScheduler | null;
}

/** The running gateway: its parts, started and stopped together, and what the HTTP adapter asks of them. */
export class Gateway {
  readonly options: GatewayOptions;
  readonly topics: Topics;
  readonly db: Db;
  readonly ledger: Ledger;
  readonly accounts: AccountStore;
  readonly registry: RegistryStore;
  readonly fees: FeeService;
  readonly metrics: Metrics;
  readonly bus: EventBus;
  readonly occupancy: OccupancyService;
  readonly gate: GateService;
  readonly devices: DeviceDispatch;
  readonly mqtt: MqttLink;
  readonly timeSeries: TimeSeries;
  readonly reportStore: ReportStore;
  readonly reports: ReportService;
  readonly reportSource: LedgerReportSource;
  readonly bureau: BureauAggregator;
  private readonly scheduler: ReportScheduler | null;
  private timer: NodeJS.Timeout | null = null;
  private saveCounter = 0;
  private lastSnapshotAt = 0;
  private unbridge: () => void = () => {};

  constructor(parts: GatewayParts) {
    this.options = parts.options;
    this.topics = parts.topics;
    this.db = parts.db;
    this.ledger = parts.ledger;
    this.accounts = parts.accounts;
    this.registry = parts.registry;
    this.fees = parts.fees;
    this.metrics = parts.metrics;
    this.bus = parts.bus;
    this.occupancy = parts.occupancy;
    this.gate = parts.gate;
    this.devices = parts.devices;
    this.mqtt = parts.mqtt;
    this.timeSeries = parts.timeSeries;
    this.reportStore = parts.reportStore;
    this.reports = parts.reports;
    this.reportSource = parts.reportSource;
    this.bureau = parts.bureau;
    this.scheduler = parts.scheduler;
  }

  /** Set while ledger writes fail (read-only or full disk); cleared by the first write that succeeds again. */
  private ledgerFault: { code: string; message: string; since: number } | null = null;

  /**
   * A ledger write that fails leaves the device event unacknowledged, so the broker sends it again once the ledger
   * is writable (see `probeLedger`), and raises an alarm; any other handler error is logged and the event dropped.
   */
  async handleDevice(message: ParsedMessage, receivedAt: number): Promise<void> {
    try {
      await this.devices.dispatch(message, receivedAt);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw err;
      this.metrics.inc('gateway_ledger_errors_total', { code });
      if (!this.ledgerFault) {
        this.ledgerFault = { code, message: (err as Error).message, since: receivedAt };
        this.options.log.error(
          { code, err: (err as Error).message, dataDir: this.options.env.DATA_DIR },
          'ledger write failed: device events stay unacknowledged at the broker until the ledger is writable',
        );
      }
      throw Object.assign(err as Error, { unacknowledged: true });
    }
  }

  /** While in fault: one small write; when it succeeds, reconnect so the broker resends the unacknowledged events. */
  private probeLedger(): boolean {
    if (!this.ledgerFault) return true;
    try {
      this.ledger.saveState('ledger-probe', { at: this.options.clock.now() }, this.options.clock.now());
    } catch {
      return false;
    }
    this.options.log.info({ code: this.ledgerFault.code }, 'ledger writable again: asking for redelivery');
    this.ledgerFault = null;
    this.mqtt.redeliver();
    return true;
  }

  async publishReport(summary: ReportSummary): Promise<void> {
    this.bureau.add(summary);
    const url = `/api/sites/${summary.site}/reports/${summary.period}/${summary.start}`;
    this.bus.emit({ type: 'report', site: summary.site, at: summary.generatedAt, data: summary });
    await this.mqtt.publish(
      this.topics.build.report({ site: summary.site, period: topicPeriod(summary.period) }),
      toReportPayload(summary, url),
      { retain: true },
    );
  }

  /**
   * Capacity is versioned (DESIGN §4, issue 5): the config's capacity holds from the first start; a later change of the
   * config starts a new version now. Closures by staff add their own versions.
   */
  private recordConfigCapacity(): void {
    const now = this.options.clock.now();
    for (const site of this.options.config.sites) {
      const versions = this.ledger.capacityVersions(site.id);
      for (const zone of site.zones) {
        const last = versions.filter((v) => v.zone === zone.id && v.source === 'config').at(-1);
        if (last?.capacity === zone.capacity) continue;
        this.ledger.recordCapacity({
          site: site.id,
          zone: zone.id,
          from: last ? now : 0,
          capacity: zone.capacity,
          source: 'config',
        });
      }
    }
  }

  /** Staff close a zone (works, an event) or reopen it; the capacity in force follows for the indicators. */
  setZoneClosed(site: string, zone: string, closed: boolean, actor: string, reason: string): boolean {
    const config = this.options.config.sites.find((s) => s.id === site)?.zones.find((z) => z.id === zone);
    if (!config) return false;
    const result = this.occupancy.engine.setClosed(site, zone, closed);
    if (!result.ok) return false;
    const at = this.options.clock.now();
    this.ledger.transaction(() => {
      this.ledger.recordCapacity({
        site,
        zone,
        from: at,
        capacity: closed ? 0 : config.capacity,
        source: closed ? 'closed' : 'reopened',
        note: reason,
        actor,
      });
      this.ledger.audit({
        at,
        actor,
        action: closed ? 'zoneClosed' : 'zoneReopened',
        site,
        target: zone,
        reason,
        detail: null,
      });
    });
    this.occupancy.markDirty(site);
    this.occupancy.save();
    return true;
  }

  async start(): Promise<void> {
    this.recordConfigCapacity();
    this.occupancy.restore();
    this.unbridge = bridgeTimeSeries(this.bus, this.timeSeries.recorder);
    this.timeSeries.start();
    await this.mqtt.start();
    await this.occupancy.flush(true);
    await this.reports.catchUp();
    this.scheduler?.start();
    const tickMs = this.options.tickMs ?? 1000;
    this.timer = setInterval(() => {
      this.tick().catch((err: Error) => this.options.log.error({ err: err.message }, 'tick failed'));
    }, tickMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!this.probeLedger()) return;
    await this.occupancy.flush();
    const now = this.options.clock.now();
    if (now - this.lastSnapshotAt >= SNAPSHOT_EVERY_MS) {
      this.lastSnapshotAt = now;
      this.recordSnapshots(now);
    }
    if (++this.saveCounter % 5 === 0) this.occupancy.save();
    // An accelerated clock outruns cron; catching up is idempotent and cheap when nothing is due.
    if (this.saveCounter % 30 === 0) {
      await this.reports.catchUp();
      this.gate.flagOverstays(now);
    }
    if (this.saveCounter % 3600 === 0) this.ledger.pruneProcessedEvents(now - EVENT_KEYS_KEPT_MS);
  }

  /**
   * One occupancy snapshot per site (or per named site) into the time series at `at`: what tick() records every
   * minute of gateway time, callable directly by a replay that drives the clock itself.
   */
  recordSnapshots(at: number, sites: readonly string[] = this.occupancy.engine.siteIds()): void {
    for (const site of sites) this.timeSeries.recorder.occupancy(this.occupancy.engine.snapshot(site, at));
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
    if (!this.probeLedger() && this.ledgerFault) {
      ledger = false;
      const since = new Date(this.ledgerFault.since).toISOString();
      alarms.push(`ledger write failed (${this.ledgerFault.code}) since ${since}: device events wait at the broker`);
    }
    const links = this.mqtt.status();
    for (const [cls, link] of Object.entries(links)) {
      if (!link.connected) alarms.push(`mqtt ${cls} link disconnected`);
      else if (link.draining) {
        alarms.push(
          `mqtt ${cls} link draining a backlog: messages arrive ${Math.round((link.lagMs ?? 0) / 1000)} s late`,
        );
      }
    }
    for (const extra of this.healthChecks) alarms.push(...extra());
    return {
      status: alarms.length === 0 ? 'ok' : 'degraded',
      mqtt: this.mqtt.connected,
      links,
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
    // Saved first, in case a network close hangs past the supervisor's patience; again once traffic has stopped.
    this.occupancy.save();
    await this.scheduler?.stop();
    this.unbridge();
    await this.mqtt.stop();
    await this.timeSeries.stop();
    this.occupancy.save();
    this.db.close();
  }
}
