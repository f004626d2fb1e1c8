import type { Clock } from '../domain/clock.ts';
import { computeIndicators } from '../domain/indicators/compute-indicators.ts';
import { DEFINITIONS, type IndicatorDefinitions } from '../domain/indicators/definitions.ts';
import type { ReportInput } from '../domain/indicators/indicator-input.ts';
import type { Site } from '../domain/site.ts';
import {
  completedPeriodsSince,
  lastCompletedPeriod,
  nextPeriodStart,
  periodStart,
  REPORT_PERIODS,
  type ReportPeriod,
} from './periods.ts';
import { type Report, type ReportSummary, summarise } from './report.ts';
import type { ReportStore } from './report-store.ts';

/** What the lead implements over the ledger and the occupancy history. */
export interface ReportDataSource {
  loadInput(siteId: string, from: number, to: number): ReportInput | Promise<ReportInput>;
}

export interface ReportServiceDeps {
  source: ReportDataSource;
  store: ReportStore;
  /** Publishes retained on {root}/{site}/report/{period}; the caller maps the summary to the protocol payload. */
  publish: (topic: { site: string; period: ReportPeriod }, summary: ReportSummary) => void | Promise<void>;
  clock: Clock;
  sites: Pick<Site, 'id' | 'timeZone'>[];
  definitions?: IndicatorDefinitions;
  /** Earliest instant worth reporting per site (e.g. when the gateway first ran); catch-up starts there. */
  since?: (siteId: string) => number | undefined;
  onError?: (error: unknown, context: { site: string; period: ReportPeriod; start: number }) => void;
}

export type GenerateResult =
  | { ok: true; created: boolean; report: Report }
  | { ok: false; reason: 'unknownSite' | 'periodNotOver' };

/** Generates, stores and publishes periodic reports, exactly once per (site, period, start). */
export class ReportService {
  private readonly inFlight = new Map<string, Promise<GenerateResult>>();

  constructor(private readonly deps: ReportServiceDeps) {}

  private site(siteId: string): Pick<Site, 'id' | 'timeZone'> | undefined {
    return this.deps.sites.find((s) => s.id === siteId);
  }

  generate(siteId: string, period: ReportPeriod, at: number): Promise<GenerateResult> {
    const site = this.site(siteId);
    if (!site) return Promise.resolve({ ok: false, reason: 'unknownSite' });
    const start = periodStart(period, at, site.timeZone);
    const key = `${siteId}|${period}|${start}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const job = this.generateOnce(site, period, start).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  private async generateOnce(
    site: Pick<Site, 'id' | 'timeZone'>,
    period: ReportPeriod,
    start: number,
  ): Promise<GenerateResult> {
    const existing = this.deps.store.get(site.id, period, start);
    if (existing) return { ok: true, created: false, report: existing };
    const end = nextPeriodStart(period, start, site.timeZone);
    const now = this.deps.clock.now();
    if (end > now) return { ok: false, reason: 'periodNotOver' };
    const input = await this.deps.source.loadInput(site.id, start, end);
    const definitions = this.deps.definitions ?? DEFINITIONS;
    const indicators = computeIndicators({ ...input, from: start, to: end }, definitions);
    const report: Report = {
      site: site.id,
      siteName: input.site.name,
      period,
      start,
      end,
      timeZone: site.timeZone,
      generatedAt: now,
      definitions,
      indicators,
    };
    const summary = summarise(report);
    if (!this.deps.store.insert(report, summary)) {
      return { ok: true, created: false, report: this.deps.store.get(site.id, period, start) ?? report };
    }
    await this.deps.publish({ site: site.id, period }, summary);
    return { ok: true, created: true, report };
  }

  /** The cron entry point: the period that has just ended, for every site (or the given ones). */
  async runDue(period: ReportPeriod, siteIds?: string[]): Promise<Report[]> {
    const now = this.deps.clock.now();
    const out: Report[] = [];
    for (const site of this.deps.sites) {
      if (siteIds && !siteIds.includes(site.id)) continue;
      const { start } = lastCompletedPeriod(period, now, site.timeZone);
      const result = await this.tryGenerate(site.id, period, start);
      if (result?.ok && result.created) out.push(result.report);
    }
    return out;
  }

  /**
   * Every ended period without a report, from `since` (or the latest stored report, or else just the last ended
   * period) up to now, oldest first; each is generated once.
   */
  async catchUp(): Promise<{ site: string; period: ReportPeriod; start: number }[]> {
    const now = this.deps.clock.now();
    const generated: { site: string; period: ReportPeriod; start: number }[] = [];
    for (const site of this.deps.sites) {
      for (const period of REPORT_PERIODS) {
        const latest = this.deps.store.latest(site.id, period);
        const from =
          this.deps.since?.(site.id) ?? latest?.start ?? lastCompletedPeriod(period, now, site.timeZone).start;
        const have = new Set(this.deps.store.starts(site.id, period, periodStart(period, from, site.timeZone)));
        for (const { start } of completedPeriodsSince(period, from, now, site.timeZone)) {
          if (have.has(start)) continue;
          const result = await this.tryGenerate(site.id, period, start);
          if (result?.ok && result.created) generated.push({ site: site.id, period, start });
        }
      }
    }
    return generated;
  }

  private async tryGenerate(site: string, period: ReportPeriod, start: number): Promise<GenerateResult | null> {
    try {
      return await this.generate(site, period, start);
    } catch (error) {
      this.deps.onError?.(error, { site, period, start });
      return null;
    }
  }
}
