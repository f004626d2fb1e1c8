import { DIFFICULTY_LEVEL_LABELS, type DifficultyLevel, type ReportSummaryPayload } from '../protocol/index.ts';
import type { ReportPeriod } from './periods.ts';
import type { ReportSummary } from './report.ts';

const TOPIC_PERIOD = { daily: 'day', weekly: 'week', monthly: 'month' } as const;
const REPORT_PERIOD = { day: 'daily', week: 'weekly', month: 'monthly' } as const;

/** The MQTT topic's period name of a report period (`daily` → `day`). */
export function topicPeriod(period: ReportPeriod): ReportSummaryPayload['period'] {
  return TOPIC_PERIOD[period];
}

/** The retained `{root}/{site}/report/{period}` message for a report summary. */
export function toReportPayload(summary: ReportSummary, url: string): ReportSummaryPayload {
  return {
    site: summary.site,
    siteName: summary.siteName,
    period: TOPIC_PERIOD[summary.period],
    start: summary.start,
    end: summary.end,
    generatedAt: summary.generatedAt,
    difficulty: { index: summary.index, level: summary.level as DifficultyLevel | null },
    reasons: summary.reasons,
    figures: summary.figures,
    url,
  };
}

/** A report summary from the MQTT message, for a bureau instance that only listens to the broker. */
export function fromReportPayload(payload: ReportSummaryPayload): ReportSummary {
  const level = payload.difficulty.level;
  return {
    site: payload.site,
    siteName: payload.siteName,
    period: REPORT_PERIOD[payload.period],
    start: payload.start,
    end: payload.end,
    generatedAt: payload.generatedAt,
    index: payload.difficulty.index,
    level,
    levelZh: level ? DIFFICULTY_LEVEL_LABELS[level] : null,
    reasons: payload.reasons,
    figures: payload.figures,
  };
}
