import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../domain/clock.ts';
import { emptyInput, fixtureSite } from '../domain/indicators/indicator-fixtures.ts';
import { localToEpoch } from '../domain/indicators/local-time.ts';
import type { ReportPeriod } from './periods.ts';
import type { ReportSummary } from './report.ts';
import { ReportScheduler } from './report-scheduler.ts';
import { type ReportDataSource, ReportService } from './report-service.ts';
import { ReportStore } from './report-store.ts';

const TZ = 'Asia/Shanghai';
const site = fixtureSite([10]);
const local = (y: number, m: number, d: number, h = 0, mi = 0): number => localToEpoch(TZ, y, m, d, h, mi);

class CountingSource implements ReportDataSource {
  calls: { from: number; to: number }[] = [];
  loadInput(_siteId: string, from: number, to: number) {
    this.calls.push({ from, to });
    return {
      ...emptyInput(site, from, to),
      occupancy: [{ zone: 'z1', holdMinutes: null, steps: [{ at: from - 1, present: 9 }] }],
    };
  }
}

let dir: string;
let db: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reports-'));
  db = new Database(join(dir, 'ledger.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function setUp(
  clock: { now(): number },
  published: { topic: { site: string; period: ReportPeriod }; summary: ReportSummary }[],
) {
  const source = new CountingSource();
  const store = new ReportStore(db);
  const service = new ReportService({
    source,
    store,
    clock,
    sites: [site],
    publish: function record(topic, summary) {
      published.push({ topic, summary });
    },
  });
  return { source, store, service };
}

describe('ReportService', () => {
  it('generates a period once, also when asked twice at the same time and after a restart', async () => {
    const clock = new ManualClock(local(2024, 3, 5, 1));
    const published: { topic: { site: string; period: ReportPeriod }; summary: ReportSummary }[] = [];
    const { source, store, service } = setUp(clock, published);
    const [a, b] = await Promise.all([
      service.generate('demo', 'daily', local(2024, 3, 4, 12)),
      service.generate('demo', 'daily', local(2024, 3, 4, 3)),
    ]);
    expect(a).toMatchObject({ ok: true, created: true });
    expect(b).toMatchObject({ ok: true, created: true });
    expect(source.calls).toEqual([{ from: local(2024, 3, 4), to: local(2024, 3, 5) }]);
    const again = await service.generate('demo', 'daily', local(2024, 3, 4));
    expect(again).toMatchObject({ ok: true, created: false });
    const restarted = setUp(clock, published);
    expect(await restarted.service.generate('demo', 'daily', local(2024, 3, 4))).toMatchObject({ created: false });
    expect(store.count('demo', 'daily')).toBe(1);
    expect(published).toHaveLength(1);
    expect(published[0]?.topic).toEqual({ site: 'demo', period: 'daily' });
    expect(published[0]?.summary).toMatchObject({ start: local(2024, 3, 4), figures: { meanOccupancy: 0.9 } });
    expect(store.get('demo', 'daily', local(2024, 3, 4))?.indicators.site.saturationHours).toBe(24);
  });

  it('refuses a period that has not ended and an unknown site', async () => {
    const { service } = setUp(new ManualClock(local(2024, 3, 4, 23)), []);
    expect(await service.generate('demo', 'daily', local(2024, 3, 4))).toEqual({ ok: false, reason: 'periodNotOver' });
    expect(await service.generate('nope', 'daily', local(2024, 3, 3))).toEqual({ ok: false, reason: 'unknownSite' });
  });

  it('catches up exactly the reports missed during a week of downtime', async () => {
    const clock = new ManualClock(local(2024, 3, 4, 0, 30));
    const published: { topic: { site: string; period: ReportPeriod }; summary: ReportSummary }[] = [];
    const { store, service } = setUp(clock, published);
    const first = await service.catchUp();
    // On first start only the last ended period of each kind.
    expect(first).toEqual([
      { site: 'demo', period: 'daily', start: local(2024, 3, 3) },
      { site: 'demo', period: 'weekly', start: local(2024, 2, 26) },
      { site: 'demo', period: 'monthly', start: local(2024, 2, 1) },
    ]);
    // Down from Monday 00:30 until the next Monday 00:30, past every cron slot of the week.
    clock.set(local(2024, 3, 11, 0, 30));
    const second = await service.catchUp();
    expect(second.filter((g) => g.period === 'daily').map((g) => g.start)).toEqual(
      [4, 5, 6, 7, 8, 9, 10].map((d) => local(2024, 3, d)),
    );
    expect(second.filter((g) => g.period === 'weekly').map((g) => g.start)).toEqual([local(2024, 3, 4)]);
    expect(second.filter((g) => g.period === 'monthly')).toEqual([]);
    expect(await service.catchUp()).toEqual([]);
    expect(store.count('demo', 'daily')).toBe(8);
    expect(store.count('demo', 'weekly')).toBe(2);
    expect(published).toHaveLength(3 + 8);
  });
});

describe('ReportScheduler (node-cron, fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs daily 00:05, weekly Monday 00:10 and monthly 1st 00:15 in the site time zone', async () => {
    // Sunday 2024-03-31 23:00 in Shanghai; the next local midnight starts Monday 1 April.
    vi.useFakeTimers({ now: local(2024, 3, 31, 23) });
    const published: { topic: { site: string; period: ReportPeriod }; summary: ReportSummary }[] = [];
    const { service } = setUp({ now: () => Date.now() }, published);
    const scheduler = new ReportScheduler(service, { sites: [site] });
    scheduler.start();
    try {
      await vi.advanceTimersByTimeAsync(64 * 60_000);
      expect(published).toEqual([]);
      await vi.advanceTimersByTimeAsync(2 * 60_000);
      expect(published.map((p) => [p.topic.period, p.summary.start])).toEqual([['daily', local(2024, 3, 31)]]);
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(published.map((p) => p.topic.period)).toEqual(['daily', 'weekly']);
      expect(published[1]?.summary.start).toBe(local(2024, 3, 25));
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(published.map((p) => [p.topic.period, p.summary.start, p.summary.end])).toEqual([
        ['daily', local(2024, 3, 31), local(2024, 4, 1)],
        ['weekly', local(2024, 3, 25), local(2024, 4, 1)],
        ['monthly', local(2024, 3, 1), local(2024, 4, 1)],
      ]);
      // The next day brings only the daily report.
      await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
      expect(published.map((p) => p.topic.period)).toEqual(['daily', 'weekly', 'monthly', 'daily']);
    } finally {
      await scheduler.stop();
    }
  });
});
