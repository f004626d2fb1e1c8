import { describe, expect, it } from 'vitest';
import { computeIndicators } from '../domain/indicators/compute-indicators.ts';
import { DEFINITIONS } from '../domain/indicators/definitions.ts';
import { emptyInput, fixtureSite } from '../domain/indicators/indicator-fixtures.ts';
import { HOUR_MS } from '../domain/indicators/local-time.ts';
import { renderReportCsv } from './render-csv.ts';
import { renderReportHtml } from './render-html.ts';
import type { Report } from './report.ts';

const H = HOUR_MS;
const DAY0 = Date.UTC(2024, 2, 3, 16);

function day(measured?: { sessions: boolean; decisions: boolean; payments: boolean; registry: boolean }) {
  return computeIndicators({
    ...emptyInput(fixtureSite([10]), DAY0, DAY0 + 24 * H),
    occupancy: [{ zone: 'z1', holdMinutes: null, steps: [{ at: DAY0, present: 9 }] }],
    ...(measured ? { measured } : {}),
  });
}

/** #12.5: what the source cannot measure is null with the reason, never 0. */
describe('unmeasured is not zero', () => {
  const feed = day({ sessions: false, decisions: false, payments: false, registry: false });

  it('an occupancy feed: stays, decisions, payments and the register are null with the reason', () => {
    expect(feed.sessions.spaceHourUtilisation).toBeNull();
    expect(feed.sessions.turnover).toBeNull();
    expect(feed.zones[0]?.turnover).toBeNull();
    expect(feed.sessions.revenue).toBeNull();
    expect(feed.ratios.vehiclesPerSpace).toBeNull();
    expect(feed.decisions.deniedEntryRate).toBeNull();
    expect(Object.keys(feed.unmeasured).sort()).toEqual([
      'deniedEntryRate',
      'exceptionsPer100',
      'meanDwell',
      'revenue',
      'spaceHourUtilisation',
      'turnover',
      'vehiclesPerSpace',
    ]);
    expect(feed.unmeasured.revenue).toEqual({ zh: '数据来源不含收费记录', en: 'the source records no payments' });
    // The index leaves the denied-entry component out of its weight (named as missing) instead of scoring it 0.
    expect(feed.index.missing).toEqual(['deniedEntryRate']);
  });

  it('the gateway measures everything: no stays in a day is a real 0', () => {
    const gate = day();
    expect(gate.unmeasured).toEqual({});
    expect(gate.sessions.revenue?.paidFen).toBe(0);
    expect(gate.sessions.turnover).toBe(0);
    expect(gate.ratios.vehiclesPerSpace).toBe(0);
  });

  it('CSV and HTML show — and the reason', () => {
    const report: Report = {
      site: 'demo',
      siteName: '示范小区',
      period: 'daily',
      start: DAY0,
      end: DAY0 + 24 * H,
      timeZone: 'Asia/Shanghai',
      generatedAt: DAY0 + 25 * H,
      definitions: DEFINITIONS,
      indicators: feed,
    };
    const csv = renderReportCsv(report, 'zh');
    expect(csv).toContain('收入,示范小区,收入,—,fen,数据来源不含收费记录');
    expect(csv).toContain('小区,示范小区,周转率,—,sessions/space/day,数据来源不含车次记录（仅有占用数）');
    expect(csv).toContain('小区,示范小区,车位车辆比,—,vehicles/space,数据来源不含车辆登记');
    const html = renderReportHtml(report, 'en');
    expect(html).toContain('— <span class="muted">（the source records no payments）</span>');
    expect(html).not.toContain('¥0.00');
  });
});
