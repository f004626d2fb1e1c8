import type { BureauRow, IndicatorDefinition, IndicatorDefinitions } from './api/types.ts';
import { percent, yuan } from './format.ts';

export type FigureKey = keyof BureauRow['figures'];

export const LEVEL_ORDER: Record<string, number> = { smooth: 0, moderate: 1, tight: 2, severe: 3 };

/** Every figure of a bureau row, in the order the detail shows them. */
export const FIGURES: FigureKey[] = [
  'peakOccupancy',
  'meanOccupancy',
  'nightOccupancy',
  'saturationHours',
  'overflowHours',
  'deniedEntryRate',
  'turnover',
  'spacesPerHousehold',
  'exceptionsPer100',
  'completeness',
  'sessions',
  'revenueFen',
  'capacity',
];

/** The figures given a column in the ranking table. */
export const RANKING_FIGURES: FigureKey[] = [
  'peakOccupancy',
  'meanOccupancy',
  'nightOccupancy',
  'saturationHours',
  'deniedEntryRate',
  'spacesPerHousehold',
];

/** Figures without an entry of their own in the definitions: the revenue figure is the paid part of `revenue`. */
const DEFINITION_OF: Partial<Record<FigureKey, string>> = { revenueFen: 'revenue' };

export function definitionOf(key: string, defs: IndicatorDefinitions | undefined): IndicatorDefinition | null {
  return defs?.indicators[DEFINITION_OF[key as FigureKey] ?? key] ?? null;
}

const UNITS: Record<string, { zh: string; en: string }> = {
  h: { zh: '小时', en: 'h' },
  fen: { zh: '元', en: '¥' },
  'sessions/space/day': { zh: '车次/车位/天', en: 'sessions/space/day' },
  'spaces/household': { zh: '车位/户', en: 'spaces/household' },
  'vehicles/space': { zh: '辆/车位', en: 'vehicles/space' },
  'per 100': { zh: '每百车次', en: 'per 100 sessions' },
  vehicles: { zh: '辆', en: 'vehicles' },
};

function isEn(lang: string): boolean {
  return lang === 'en';
}

/** The unit as a reader sees it; ratios show as percentages and the index has none. */
export function unitText(unit: string | undefined, lang: string): string {
  if (!unit || unit === 'ratio' || unit === '0–100') return '';
  const known = UNITS[unit];
  return known ? (isEn(lang) ? known.en : known.zh) : unit;
}

export function figureLabel(key: string, defs: IndicatorDefinitions | undefined, lang: string): string | null {
  const def = definitionOf(key, defs);
  return def ? (isEn(lang) ? def.en : def.zh) : null;
}

export function formulaText(key: string, defs: IndicatorDefinitions | undefined, lang: string): string {
  const def = definitionOf(key, defs);
  return def ? (isEn(lang) ? def.formulaEn : def.formulaZh) : '';
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A figure as text with its unit: ratios as %, money as yuan, hours with one decimal. */
export function figureText(key: string, value: number | null, defs: IndicatorDefinitions | undefined, lang: string) {
  if (value === null || !Number.isFinite(value)) return '—';
  const unit = definitionOf(key, defs)?.unit;
  if (unit === 'ratio') return percent(value);
  if (key === 'revenueFen' || unit === 'fen') return yuan(value);
  if (unit === 'h') return `${round(value, 1)} ${unitText(unit, lang)}`;
  const suffix = unitText(unit, lang);
  return suffix ? `${round(value)} ${suffix}` : String(round(value));
}

export function indexText(index: number | null): string {
  return index === null ? '—' : String(round(index, 1));
}

export type SortKey = { column: string; descending: boolean };

function sortValue(row: BureauRow, column: string): number | string {
  if (column === 'name') return row.siteName;
  if (column === 'index') return row.index ?? -1;
  if (column === 'level') return LEVEL_ORDER[row.level ?? ''] ?? -1;
  if (column === 'delta') return row.delta.index ?? 0;
  const value = row.figures[column as FigureKey];
  return typeof value === 'number' ? value : -1;
}

export function sortRows(rows: BureauRow[], key: SortKey): BureauRow[] {
  return [...rows].sort(function compare(a, b) {
    const va = sortValue(a, key.column);
    const vb = sortValue(b, key.column);
    const order =
      typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb), 'zh-CN') : va - vb;
    return key.descending ? -order : order;
  });
}

export type Series = { key: string; points: { x: number; y: number }[] };

/** The row's trend (oldest first) as chart series; periods without a value leave a gap rather than a zero. */
export function trendSeries(row: BureauRow): { index: Series; mean: Series; peak: Series; saturation: Series } {
  const pick = (key: string, read: (p: BureauRow['trend'][number]) => number | null): Series => ({
    key,
    points: row.trend.flatMap((p) => {
      const y = read(p);
      return y === null ? [] : [{ x: p.start, y }];
    }),
  });
  return {
    index: pick('index', (p) => p.index),
    mean: pick('meanOccupancy', (p) => (p.meanOccupancy === null ? null : p.meanOccupancy * 100)),
    peak: pick('peakOccupancy', (p) => (p.peakOccupancy === null ? null : p.peakOccupancy * 100)),
    saturation: pick('saturationHours', (p) => p.saturationHours),
  };
}

export function reasonText(row: BureauRow, lang: string): string {
  return isEn(lang) ? row.reasons.en || row.reasons.zh : row.reasons.zh || row.reasons.en;
}
