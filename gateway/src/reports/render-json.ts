import type { Report } from './report.ts';
import type { Lang } from './report-format.ts';

/** The report with its definitions, plus the indicator names in the requested language. */
export function renderReportJson(report: Report, lang: Lang = 'zh'): string {
  const labels = Object.fromEntries(Object.entries(report.definitions.indicators).map(([k, d]) => [k, d[lang]]));
  return JSON.stringify({ lang, labels, ...report }, null, 2);
}
