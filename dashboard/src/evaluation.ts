import type { Evaluation, EvaluationSite, Reason, TrendPoint } from './api/types.ts';

export const LEVEL_ORDER: Record<string, number> = { smooth: 0, moderate: 1, tight: 2, severe: 3 };

/** Indicators shown as table columns when present, in this order; others appear in the drill-down. */
export const PREFERRED_INDICATORS = [
  'peakOccupancy',
  'meanOccupancy',
  'nightOccupancy',
  'saturationHours',
  'deniedEntryRate',
  'turnover',
  'spacesPerHousehold',
  'overflowHours',
];

export type IndicatorView = {
  key: string;
  value: number | null;
  label: string | null;
  unit: string | null;
  text: string;
};

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** An indicator may be a bare number or an object with its value, names and unit; read either. */
export function readIndicator(key: string, raw: unknown, lang: string): IndicatorView {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const value = num(o.value);
    const label = (lang === 'en' ? (o.nameEn ?? o.labelEn) : (o.nameZh ?? o.labelZh)) ?? o.name ?? o.label ?? null;
    const unit = typeof o.unit === 'string' ? o.unit : null;
    return { key, value, label: typeof label === 'string' ? label : null, unit, text: formatValue(value, unit) };
  }
  const value = num(raw);
  return { key, value, label: null, unit: null, text: formatValue(value, null) };
}

function formatValue(value: number | null, unit: string | null): string {
  if (value === null) return '—';
  if (unit === '%' || unit === 'percent') return `${round(value)}%`;
  if (unit === 'ratio') return `${round(value * 100)}%`;
  return unit ? `${round(value)} ${unit}` : String(round(value));
}

export function indicatorsOf(site: EvaluationSite, lang: string): IndicatorView[] {
  return Object.entries(site.indicators ?? {}).map(([key, raw]) => readIndicator(key, raw, lang));
}

/** The columns worth a place in the ranking table: preferred ones first, then other numeric ones, at most `max`. */
export function indicatorColumns(sites: EvaluationSite[], max = 6): string[] {
  const present = new Set<string>();
  for (const site of sites) {
    for (const [key, raw] of Object.entries(site.indicators ?? {})) {
      if (readIndicator(key, raw, 'zh-CN').value !== null) present.add(key);
    }
  }
  const ordered = [
    ...PREFERRED_INDICATORS.filter((k) => present.has(k)),
    ...[...present].filter((k) => !PREFERRED_INDICATORS.includes(k)),
  ];
  return ordered.slice(0, max);
}

function reasonText(reason: Reason, lang: string): string {
  if (typeof reason === 'string') return reason;
  const en = reason.en ?? reason.textEn;
  const zh = reason.zh ?? reason.textZh;
  return (lang === 'en' ? (en ?? zh) : (zh ?? en)) ?? reason.text ?? '';
}

/** Reasons for the level in the chosen language, whatever shape the API gives them in. */
export function reasonsOf(site: EvaluationSite, lang: string): string[] {
  const reasons = site.reasons;
  if (!reasons) return [];
  if (Array.isArray(reasons)) return reasons.map((r) => reasonText(r, lang)).filter(Boolean);
  const list = (lang === 'en' ? (reasons.en ?? reasons.zh) : (reasons.zh ?? reasons.en)) ?? [];
  return list.map((r) => reasonText(r, lang)).filter(Boolean);
}

export function trendOf(site: EvaluationSite): { x: number; y: number }[] {
  const trend = site.trend;
  const points: TrendPoint[] = Array.isArray(trend) ? trend : (trend?.points ?? []);
  return points
    .map((p, i) => ({ x: p.start ?? p.at ?? i, y: p.index }))
    .filter((p) => Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x);
}

/** Change of the index against the previous period, if the trend says. */
export function trendDelta(site: EvaluationSite): number | null {
  const trend = site.trend;
  if (trend && !Array.isArray(trend) && typeof trend.delta === 'number') return trend.delta;
  const points = trendOf(site);
  const last = points[points.length - 1];
  const previous = points[points.length - 2];
  if (last && previous) return round(last.y - previous.y);
  return null;
}

export type SortKey = { column: string; descending: boolean };

function sortValue(site: EvaluationSite, column: string): number | string {
  if (column === 'name') return site.name;
  if (column === 'index') return site.index ?? -1;
  if (column === 'level') return LEVEL_ORDER[site.level ?? ''] ?? -1;
  if (column === 'trend') return trendDelta(site) ?? 0;
  return readIndicator(column, site.indicators?.[column], 'zh-CN').value ?? -1;
}

export function sortSites(sites: EvaluationSite[], key: SortKey): EvaluationSite[] {
  return [...sites].sort(function compare(a, b) {
    const va = sortValue(a, key.column);
    const vb = sortValue(b, key.column);
    const order =
      typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb), 'zh-CN') : va - vb;
    return key.descending ? -order : order;
  });
}

type BureauRow = {
  site: string;
  siteName?: string;
  index: number | null;
  level: string | null;
  reasons?: { zh?: string; en?: string } | null;
  figures?: Record<string, unknown> | null;
  delta?: Record<string, unknown> | null;
};

/** The gateway's bureau view (`ranking`, `worst`, `mostImproved`) read into the table's rows. */
export function normaliseEvaluation(raw: Record<string, unknown>): Evaluation {
  if (!Array.isArray(raw.ranking)) return raw as unknown as Evaluation;
  const row = (r: BureauRow): EvaluationSite => {
    const delta = r.delta?.index;
    const deltaValue =
      typeof delta === 'number'
        ? delta
        : typeof (delta as { change?: unknown })?.change === 'number'
          ? (delta as { change: number }).change
          : undefined;
    return {
      site: r.site,
      name: r.siteName ?? r.site,
      index: r.index,
      level: r.level,
      reasons: r.reasons ? [{ zh: r.reasons.zh, en: r.reasons.en }] : null,
      indicators: r.figures ?? null,
      trend: deltaValue === undefined ? null : { delta: deltaValue, points: [] },
    };
  };
  return {
    period: String(raw.period ?? ''),
    sites: (raw.ranking as BureauRow[]).map(row),
    worst: Array.isArray(raw.worst) ? (raw.worst as BureauRow[]).map((r) => r.site) : raw.worst,
    improved: Array.isArray(raw.mostImproved) ? (raw.mostImproved as BureauRow[]).map((r) => r.site) : raw.improved,
  };
}
