import type { IndicatorDefinitions } from './definitions.ts';
import type { IndexResult } from './indicator-result.ts';

/** The figures the index reads, by component key (null = no data). */
export type IndexFigures = Record<string, number | null>;

function score(figure: number, zero: number, full: number): number {
  const s = ((figure - zero) / (full - zero)) * 100;
  return Math.min(100, Math.max(0, s));
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function hours(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** One phrase per component, zh and en, naming the figure a reader would check. */
function phrase(key: string, figures: IndexFigures, periodDays: number): { zh: string; en: string } {
  const f = figures[key] ?? 0;
  switch (key) {
    case 'peakOccupancy':
      return { zh: `高峰占用率${pct(f)}`, en: `peak occupancy ${pct(f)}` };
    case 'sustainedOccupancy':
      return { zh: `持续占用率${pct(f)}`, en: `sustained occupancy ${pct(f)}` };
    case 'saturationHoursPerDay':
      return { zh: `饱和${hours(f * periodDays)}小时`, en: `${hours(f * periodDays)} saturated hours` };
    case 'deniedEntryRate':
      return { zh: `${pct(f)}的入场车辆被拒`, en: `${pct(f)} of entries turned away` };
    case 'nightOccupancy':
      return { zh: `夜间占用率${pct(f)}`, en: `night occupancy ${pct(f)}` };
    case 'spacesPerHousehold':
      return { zh: `户均车位${f.toFixed(2)}`, en: `${f.toFixed(2)} spaces per household` };
    case 'overflowHoursPerDay':
      return { zh: `超容停放${hours(f * periodDays)}小时`, en: `${hours(f * periodDays)} overflow hours` };
    default:
      return { zh: key, en: key };
  }
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/**
 * 停车难指数: weighted mean of the component scores that have data. Reasons list the components scoring at least 50,
 * largest contribution first. `observedDays` is what the per-day components were divided by (their phrases give the
 * totals); below the completeness floor there is no index, only "数据不足" (#12.3).
 */
export function difficultyIndex(
  defs: IndicatorDefinitions,
  figures: IndexFigures,
  observedDays: number,
  coverage: { completeness: number; localDays: number } = { completeness: 1, localDays: observedDays },
): IndexResult {
  const floor = defs.index.minCompleteness;
  const basis = {
    localDays: coverage.localDays,
    observedDays,
    completeness: coverage.completeness,
    minCompleteness: floor,
  };
  const components = defs.index.components.map((c) => {
    const figure = figures[c.key] ?? null;
    const s = figure === null ? null : score(figure, c.zero, c.full);
    return { key: c.key, figure, score: s, weight: c.weight, contribution: s === null ? null : s * c.weight };
  });
  const present = components.filter((c) => c.score !== null);
  const missing = components.filter((c) => c.score === null).map((c) => c.key);
  const weight = present.reduce((sum, c) => sum + c.weight, 0);
  const total = components.reduce((sum, c) => sum + c.weight, 0);
  // One or two figures alone would rank a community; below the minimum share of weight there is no index.
  const thin = coverage.completeness < floor;
  const enough = !thin && weight > 0 && weight >= defs.index.minWeight * total - 1e-9;
  const value = enough ? present.reduce((sum, c) => sum + (c.contribution ?? 0), 0) / weight : null;
  let level: IndexResult['level'] = null;
  if (value !== null) {
    for (const l of defs.index.levels) if (value >= l.from) level = { key: l.key, zh: l.zh, en: l.en };
  }
  const notable = present
    .filter((c) => (c.score ?? 0) >= 50)
    .sort((x, y) => (y.contribution ?? 0) - (x.contribution ?? 0))
    .map((c) => phrase(c.key, figures, observedDays));
  const names = (lang: 'zh' | 'en'): string =>
    missing.map((k) => defs.index.components.find((c) => c.key === k)?.[lang] ?? k).join(lang === 'zh' ? '、' : ', ');
  let zh = notable.length > 0 ? notable.map((p) => p.zh).join('，') : '各项指标正常';
  let en = notable.length > 0 ? notable.map((p) => p.en).join(', ') : 'all indicators within normal range';
  if (thin) {
    // A 4%-complete feed is not "smooth": it is unknown.
    zh = `数据不足：占用数据仅覆盖应有观测时长的${percent(coverage.completeness)}（低于${percent(floor)}），不评定等级`;
    en = `not enough data: occupancy data covers only ${percent(coverage.completeness)} of the expected observation time (below ${percent(floor)}); no level given`;
  } else if (value === null) {
    zh = `数据不足，无法计算（缺少数据：${names('zh')}）`;
    en = `not enough data to compute (no data: ${names('en')})`;
  } else if (missing.length > 0) {
    zh += `（缺少数据：${names('zh')}）`;
    en += ` (no data: ${names('en')})`;
  }
  return { value, level, components, missing, reasons: { zh, en }, basis };
}
