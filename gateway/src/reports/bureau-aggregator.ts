import { z } from 'zod';
import { ReportSummaryPayload } from '../protocol/index.ts';
import { toCsv } from './csv.ts';
import type { ReportPeriod } from './periods.ts';
import { ReportPeriodSchema, ReportSummary } from './report.ts';
import type { Lang } from './report-format.ts';
import { fromReportPayload } from './report-payload.ts';

const Delta = z.number().nullable();

export const BureauRow = z.object({
  rank: z.number().int(),
  site: z.string(),
  siteName: z.string(),
  start: z.number(),
  index: z.number().nullable(),
  level: z.string().nullable(),
  levelZh: z.string().nullable(),
  reasons: z.object({ zh: z.string(), en: z.string() }),
  figures: ReportSummary.shape.figures,
  previousStart: z.number().nullable(),
  /** The latest periods, oldest first, for trend charts. */
  trend: z.array(
    z.object({
      start: z.number(),
      index: z.number().nullable(),
      meanOccupancy: z.number().nullable(),
      peakOccupancy: z.number().nullable(),
      saturationHours: z.number(),
    }),
  ),
  delta: z.object({
    index: Delta,
    meanOccupancy: Delta,
    peakOccupancy: Delta,
    saturationHours: Delta,
    deniedEntryRate: Delta,
  }),
});
export type BureauRow = z.infer<typeof BureauRow>;

export const BureauView = z.object({
  period: ReportPeriodSchema,
  /** Latest period start among the communities shown. */
  start: z.number().nullable(),
  ranking: z.array(BureauRow),
  worst: z.array(BureauRow),
  mostImproved: z.array(BureauRow),
});
export type BureauView = z.infer<typeof BureauView>;

/** How many periods each community's trend shows. */
const TREND_PERIODS = 12;

function diff(a: number | null, b: number | null | undefined): number | null {
  return a === null || b === null || b === undefined ? null : a - b;
}

function byIndexDesc(x: BureauRow, y: BureauRow): number {
  return (y.index ?? Number.NEGATIVE_INFINITY) - (x.index ?? Number.NEGATIVE_INFINITY) || x.site.localeCompare(y.site);
}

/**
 * The housing bureau's view across communities, fed by report summaries from MQTT (`+/report/+`) or local reports:
 * ranks by the difficulty index (hardest first) and compares each with its previous period.
 */
export class BureauAggregator {
  private readonly bySite = new Map<string, Map<string, ReportSummary>>();

  add(summary: ReportSummary): void {
    const key = `${summary.period}|${summary.start}`;
    const site = this.bySite.get(summary.site) ?? new Map<string, ReportSummary>();
    site.set(key, summary);
    this.bySite.set(summary.site, site);
  }

  /** A message from `{root}/+/report/+`; false (and nothing stored) when it is not a report summary. */
  addPayload(payload: unknown): boolean {
    const parsed = ReportSummaryPayload.safeParse(payload);
    if (parsed.success) this.add(fromReportPayload(parsed.data));
    return parsed.success;
  }

  view(period: ReportPeriod, opts: { top?: number } = {}): BureauView {
    const top = opts.top ?? 5;
    const rows: BureauRow[] = [];
    for (const summaries of this.bySite.values()) {
      const list = [...summaries.values()].filter((s) => s.period === period).sort((a, b) => b.start - a.start);
      const current = list[0];
      if (!current) continue;
      const previous = list[1];
      rows.push({
        rank: 0,
        site: current.site,
        siteName: current.siteName,
        start: current.start,
        index: current.index,
        level: current.level,
        levelZh: current.levelZh,
        reasons: current.reasons,
        figures: current.figures,
        previousStart: previous?.start ?? null,
        trend: list
          .slice(0, TREND_PERIODS)
          .reverse()
          .map((s) => ({
            start: s.start,
            index: s.index,
            meanOccupancy: s.figures.meanOccupancy,
            peakOccupancy: s.figures.peakOccupancy,
            saturationHours: s.figures.saturationHours,
          })),
        delta: {
          index: diff(current.index, previous?.index),
          meanOccupancy: diff(current.figures.meanOccupancy, previous?.figures.meanOccupancy),
          peakOccupancy: diff(current.figures.peakOccupancy, previous?.figures.peakOccupancy),
          saturationHours: diff(current.figures.saturationHours, previous?.figures.saturationHours),
          deniedEntryRate: diff(current.figures.deniedEntryRate, previous?.figures.deniedEntryRate),
        },
      });
    }
    rows.sort(byIndexDesc);
    rows.forEach((row, i) => {
      row.rank = i + 1;
    });
    const improved = rows
      .filter((r) => r.delta.index !== null && r.delta.index < 0)
      .sort((x, y) => (x.delta.index ?? 0) - (y.delta.index ?? 0));
    return {
      period,
      start: rows.reduce<number | null>((m, r) => (m === null || r.start > m ? r.start : m), null),
      ranking: rows,
      worst: rows.filter((r) => r.index !== null && r.index > 0).slice(0, top),
      mostImproved: improved.slice(0, top),
    };
  }
}

export function renderBureauJson(view: BureauView): string {
  return JSON.stringify(view, null, 2);
}

const HEADERS: Record<Lang, string[]> = {
  zh: [
    '排名',
    '小区编号',
    '小区',
    '周期开始',
    '停车难指数',
    '等级',
    '指数变化',
    '平均占用率',
    '高峰占用率',
    '饱和时长',
    '入场拒绝率',
    '数据完整度',
    '原因',
  ],
  en: [
    'rank',
    'site',
    'name',
    'period start',
    'index',
    'level',
    'index change',
    'mean occupancy',
    'peak occupancy',
    'saturation hours',
    'denied-entry rate',
    'completeness',
    'reasons',
  ],
};

export function renderBureauCsv(view: BureauView, lang: Lang = 'zh'): string {
  const rows = view.ranking.map((r) => [
    r.rank,
    r.site,
    r.siteName,
    new Date(r.start).toISOString(),
    r.index,
    lang === 'zh' ? r.levelZh : r.level,
    r.delta.index,
    r.figures.meanOccupancy,
    r.figures.peakOccupancy,
    r.figures.saturationHours,
    r.figures.deniedEntryRate,
    r.figures.completeness,
    r.reasons[lang],
  ]);
  return toCsv(HEADERS[lang], rows);
}
