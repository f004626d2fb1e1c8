import { DIFFICULTY_LEVEL_LABELS, type ReportSummaryPayload } from '../../../gateway/src/protocol/index.ts';
import type { ReportSummary } from '../../../gateway/src/reports/report.ts';

const PERIODS = { day: 'daily', week: 'weekly', month: 'monthly' } as const;

/**
 * Stopgap adapter: gateways publish the protocol's `ReportSummaryPayload` on `{root}/{site}/report/{period}`, while
 * `BureauAggregator.addPayload` takes the reports module's `ReportSummary`, a richer shape, and refuses the message.
 * This maps what the message carries and leaves the rest empty (site name = id, no reasons, no saturation hours),
 * until the protocol message carries what the bureau view needs.
 */
export function summaryFromMessage(message: ReportSummaryPayload): ReportSummary {
  const h = message.headline;
  return {
    site: message.site,
    siteName: message.site,
    period: PERIODS[message.period],
    start: message.start,
    end: message.end,
    generatedAt: message.generatedAt,
    index: message.difficulty.index,
    level: message.difficulty.level,
    levelZh: message.difficulty.level ? DIFFICULTY_LEVEL_LABELS[message.difficulty.level] : null,
    reasons: { zh: '', en: '' },
    figures: {
      capacity: 0,
      meanOccupancy: h.meanOccupancy / 100,
      peakOccupancy: h.peakOccupancy / 100,
      nightOccupancy: h.nightOccupancy / 100,
      saturationHours: 0,
      overflowHours: 0,
      deniedEntryRate: h.deniedEntryRate,
      turnover: h.turnover,
      spacesPerHousehold: null,
      sessions: h.sessions,
      revenueFen: h.revenueFen,
      exceptionsPer100: null,
      completeness: 0,
    },
  };
}
