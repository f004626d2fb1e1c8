import type { Report } from './report.ts';

export type Lang = 'zh' | 'en';

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
}

export function num(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined ? '—' : x.toFixed(digits);
}

/** Integer fen as yuan text, without floating point. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function localDateTime(epochMs: number, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(epochMs);
}

const PERIOD_NAMES: Record<Report['period'], Record<Lang, string>> = {
  daily: { zh: '日报', en: 'Daily report' },
  weekly: { zh: '周报', en: 'Weekly report' },
  monthly: { zh: '月报', en: 'Monthly report' },
};

export function periodName(period: Report['period'], lang: Lang): string {
  return PERIOD_NAMES[period][lang];
}

export function indicatorName(report: Report, key: string, lang: Lang): string {
  const d = report.definitions.indicators[key];
  return d ? d[lang] : key;
}

export const WEEKDAYS: Record<Lang, string[]> = {
  zh: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};
