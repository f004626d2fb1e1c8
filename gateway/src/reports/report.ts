import { z } from 'zod';
import { IndicatorDefinitions } from '../domain/indicators/definitions.ts';
import { IndicatorResult } from '../domain/indicators/indicator-result.ts';
import { ReportSummaryPayload } from '../protocol/index.ts';
import { REPORT_PERIODS } from './periods.ts';

export const ReportPeriodSchema = z.enum(REPORT_PERIODS);

/** A stored periodic report: the indicators with the definitions they were computed under. */
export const Report = z.object({
  site: z.string(),
  siteName: z.string(),
  period: ReportPeriodSchema,
  start: z.number().int(),
  end: z.number().int(),
  timeZone: z.string(),
  generatedAt: z.number().int(),
  definitions: IndicatorDefinitions,
  indicators: IndicatorResult,
});
export type Report = z.infer<typeof Report>;

/** The headline of a report, published retained on {root}/{site}/report/{period} and read by the bureau view. */
export const ReportSummary = z.object({
  site: z.string(),
  siteName: z.string(),
  period: ReportPeriodSchema,
  start: z.number().int(),
  end: z.number().int(),
  generatedAt: z.number().int(),
  index: z.number().nullable(),
  level: z.string().nullable(),
  levelZh: z.string().nullable(),
  reasons: z.object({ zh: z.string(), en: z.string() }),
  /** The headline figures, as the MQTT report message carries them (one definition). */
  figures: ReportSummaryPayload.shape.figures,
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export function summarise(report: Report): ReportSummary {
  const r = report.indicators;
  return {
    site: report.site,
    siteName: report.siteName,
    period: report.period,
    start: report.start,
    end: report.end,
    generatedAt: report.generatedAt,
    index: r.index.value,
    level: r.index.level?.key ?? null,
    levelZh: r.index.level?.zh ?? null,
    reasons: r.index.reasons,
    figures: {
      capacity: r.site.meanCapacity,
      meanOccupancy: r.site.meanOccupancy,
      peakOccupancy: r.site.peakOccupancy,
      nightOccupancy: r.site.nightOccupancy,
      saturationHours: r.site.saturationHours,
      overflowHours: r.site.overflowHours,
      deniedEntryRate: r.decisions.deniedEntryRate,
      turnover: r.sessions.turnover,
      spacesPerHousehold: r.ratios.spacesPerHousehold,
      sessions: r.sessions.sessions,
      revenueFen: r.sessions.revenue?.paidFen ?? null,
      exceptionsPer100: r.sessions.exceptions.per100Sessions,
      completeness: r.site.completeness,
    },
  };
}
