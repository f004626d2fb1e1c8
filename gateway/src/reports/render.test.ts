import { describe, expect, it } from 'vitest';
import { computeIndicators } from '../domain/indicators/compute-indicators.ts';
import { DEFINITIONS } from '../domain/indicators/definitions.ts';
import { emptyInput, fixtureSite } from '../domain/indicators/indicator-fixtures.ts';
import { HOUR_MS, localToEpoch } from '../domain/indicators/local-time.ts';
import { BureauAggregator, renderBureauCsv } from './bureau-aggregator.ts';
import { BOM } from './csv.ts';
import { renderReportCsv } from './render-csv.ts';
import { renderReportHtml } from './render-html.ts';
import { renderReportJson } from './render-json.ts';
import { type Report, type ReportSummary, summarise } from './report.ts';
import { toReportPayload } from './report-payload.ts';

const from = localToEpoch('Asia/Shanghai', 2024, 3, 4);
const to = localToEpoch('Asia/Shanghai', 2024, 3, 11);

function report(): Report {
  const site = fixtureSite([10]);
  const input = {
    ...emptyInput(site, from, to),
    occupancy: [
      {
        zone: 'z1',
        holdMinutes: null,
        steps: Array.from({ length: 7 * 24 }, (_, h) => ({ at: from + h * HOUR_MS, present: h % 24 >= 19 ? 10 : 4 })),
      },
    ],
    decisions: [
      { at: from + HOUR_MS, lane: 'entry' as const, action: 'deny' as const, reason: '车位已满' },
      { at: from + 2 * HOUR_MS, lane: 'entry' as const, action: 'allow' as const, reason: 'ok' },
    ],
  };
  const indicators = computeIndicators(input);
  return {
    site: 'demo',
    siteName: '示范小区 "A"',
    period: 'weekly',
    start: from,
    end: to,
    timeZone: 'Asia/Shanghai',
    generatedAt: to + 600_000,
    definitions: DEFINITIONS,
    indicators,
  };
}

describe('report renderers', () => {
  const r = report();

  it('CSV starts with a BOM and has zh headers and names', () => {
    const csv = renderReportCsv(r, 'zh');
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n')[0]).toBe('分类,对象,指标,数值,单位,说明');
    expect(csv).toContain('小区,"示范小区 ""A""",平均占用率,');
    expect(csv).toContain('拒绝原因,车位已满,入场拒绝率,0.5,ratio,1');
    // 5 full hours a day (19:00–24:00) at 10/10 over 7 days.
    expect(csv).toContain('饱和时长,35,h');
    // Full 19:00–24:00 every day: 5 h of 24 (21%) is more than 15% of the quarters, so the sustained level is full (#12.4).
    expect(csv).toContain('小区,"示范小区 ""A""",持续占用率,1,ratio,P85');
  });

  it('HTML is self-contained: inline SVG charts, print CSS, zh-CN, no external URL', () => {
    const html = renderReportHtml(r, 'zh');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(5);
    expect(html).toContain('日内占用曲线');
    expect(html).toContain('饱和热力图');
    expect(html).toContain('入场拒绝（按原因）');
    expect(html).toContain('@media print');
    expect(html).toContain('占用率按车位数封顶（最高100%）');
    expect(html).toContain(r.indicators.index.reasons.zh);
    expect(html).not.toMatch(/https?:|\/\/[a-z]|<script|<link|src=|url\(/i);
    expect(html).toContain('示范小区 &#34;A&#34;');
  });

  it('every format carries the hold rule, the expected window, covered and expected hours and the gaps (#12.1, #12.2)', () => {
    // A feed expected 08:00–16:30, read at 08:00 and 09:00 only on 2024-03-04, held 35 min: 08:00–08:35, 09:00–09:35.
    const site = fixtureSite([10]);
    const dayEnd = from + 24 * HOUR_MS;
    const feed = computeIndicators({
      ...emptyInput(site, from, dayEnd),
      occupancy: [
        {
          zone: 'z1',
          source: 'feed',
          feed: { intervalMinutes: 30, toleranceMinutes: 5 },
          expected: [{ from: '08:00', to: '16:30' }],
          steps: [
            { at: from + 8 * HOUR_MS, present: 5 },
            { at: from + 9 * HOUR_MS, present: 6 },
          ],
        },
      ],
    });
    const daily: Report = { ...r, period: 'daily', end: dayEnd, indicators: feed };
    const json = JSON.parse(renderReportJson(daily, 'zh'));
    expect(json.indicators.zones[0].rule).toMatchObject({
      source: 'feed',
      holdMinutes: 35,
      expectedWindow: '08:00–16:30',
    });
    expect(json.indicators.site).toMatchObject({ expectedHours: 8.5, gapCount: 2 });
    expect(json.indicators.site.coveredHours).toBeCloseTo(70 / 60, 12);
    const csv = renderReportCsv(daily, 'en');
    expect(csv).toContain('sources and completeness,1区 (z1),hold rule,35,min,"imported feed: a reading holds until');
    expect(csv).toContain('sources and completeness,1区 (z1),expected window,08:00–16:30');
    expect(csv).toContain('sources and completeness,"示范小区 ""A""",expected hours,8.5,h');
    // The gap 08:35–09:00 (25 min) and 09:35–16:30.
    expect(csv).toContain('sources and completeness,"示范小区 ""A""",gap,0.41666');
    const html = renderReportHtml(daily, 'zh');
    expect(html).toContain('数据来源与完整度');
    expect(html).toContain('导入数据：每个读数保持到下一个读数，最长35分钟');
    expect(html).toContain('1.2 h / 8.5 h');
    expect(html).toContain('缺失时段: 2024/03/04 08:35 — 2024/03/04 09:00; 2024/03/04 09:35 — 2024/03/04 16:30');
    // 70 of 510 expected minutes (14%): below the floor, the index says so and what it divided by (#12.3).
    expect(html).toContain('日均分项按有数据的天数计：0.1天（本期1.0个自然日）；数据完整度13.7%，低于50.0%不评定等级');
    expect(html).toContain('数据不足：占用数据仅覆盖应有观测时长的14%（低于50%），不评定等级');
    expect(csv).toContain('observed days,0.137');
  });

  it('English HTML and JSON carry the definitions', () => {
    expect(renderReportHtml(r, 'en')).toContain('Occupancy over the day');
    const json = JSON.parse(renderReportJson(r, 'en'));
    expect(json.definitions.index.components).toHaveLength(DEFINITIONS.index.components.length);
    expect(json.labels.meanOccupancy).toBe('Mean occupancy');
  });
});

function summary(site: string, start: number, index: number, peak: number): ReportSummary {
  const base = summarise(report());
  return {
    ...base,
    site,
    siteName: site,
    start,
    end: start + 7 * 24 * HOUR_MS,
    index,
    figures: { ...base.figures, peakOccupancy: peak },
  };
}

describe('BureauAggregator', () => {
  it('ranks by index, hardest first, with trends against the previous period', () => {
    const agg = new BureauAggregator();
    const prev = from - 7 * 24 * HOUR_MS;
    agg.add(summary('a', prev, 80, 0.99));
    agg.add(summary('a', from, 60, 0.95));
    agg.add(summary('b', prev, 30, 0.8));
    agg.add(summary('b', from, 70, 0.97));
    agg.add(summary('c', from, 10, 0.5));
    expect(agg.addPayload({ site: 'x' })).toBe(false);
    const view = agg.view('weekly', { top: 2 });
    expect(view.ranking.map((x) => [x.rank, x.site, x.index, x.delta.index])).toEqual([
      [1, 'b', 70, 40],
      [2, 'a', 60, -20],
      [3, 'c', 10, null],
    ]);
    expect(view.ranking[1]?.delta.peakOccupancy).toBeCloseTo(-0.04, 12);
    expect(view.worst.map((x) => x.site)).toEqual(['b', 'a']);
    expect(view.mostImproved.map((x) => x.site)).toEqual(['a']);
    expect(view.start).toBe(from);
    const csv = renderBureauCsv(view);
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n')[0]?.startsWith('排名,小区编号,小区,周期开始,停车难指数')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(5);
  });

  it('keeps one summary per site and period start (a retained re-delivery replaces it)', () => {
    const agg = new BureauAggregator();
    const message = JSON.parse(JSON.stringify(toReportPayload(summary('a', from, 50, 0.9), '/api/x')));
    expect(agg.addPayload(message)).toBe(true);
    expect(agg.addPayload({ ...message, figures: 'broken' })).toBe(false);
    agg.add(summary('a', from, 55, 0.9));
    const view = agg.view('weekly');
    expect(view.ranking).toHaveLength(1);
    expect(view.ranking[0]?.index).toBe(55);
    expect(view.ranking[0]?.previousStart).toBeNull();
  });
});
