import { describe, expect, it } from 'vitest';
import { DEFINITIONS } from '../../gateway/src/domain/indicators/definitions.ts';
import type { BureauRow } from './api/types.ts';
import { figureLabel, figureText, formulaText, sortRows, trendSeries } from './evaluation.ts';

function row(partial: Partial<BureauRow> & { site: string }): BureauRow {
  return {
    rank: 1,
    siteName: partial.site,
    start: 0,
    index: null,
    level: null,
    levelZh: null,
    reasons: { zh: '', en: '' },
    figures: {
      capacity: 100,
      meanOccupancy: null,
      peakOccupancy: null,
      nightOccupancy: null,
      saturationHours: 0,
      overflowHours: 0,
      deniedEntryRate: null,
      turnover: null,
      spacesPerHousehold: null,
      sessions: 0,
      revenueFen: 0,
      exceptionsPer100: null,
      completeness: 1,
    },
    previousStart: null,
    trend: [],
    delta: { index: null, meanOccupancy: null, peakOccupancy: null, saturationHours: null, deniedEntryRate: null },
    ...partial,
  };
}

describe('bureau evaluation helpers', () => {
  it('names figures and shows their formulas from the gateway definitions, in either language', () => {
    expect(figureLabel('peakOccupancy', DEFINITIONS, 'zh-CN')).toBe('高峰占用率');
    expect(figureLabel('peakOccupancy', DEFINITIONS, 'en')).toBe('Peak occupancy');
    expect(figureLabel('revenueFen', DEFINITIONS, 'zh-CN')).toBe('收入');
    expect(figureLabel('sessions', DEFINITIONS, 'zh-CN')).toBeNull();
    expect(formulaText('spaceHourUtilisation', DEFINITIONS, 'en')).toContain('∫C dt');
    expect(formulaText('peakOccupancy', undefined, 'en')).toBe('');
  });

  it('formats each figure by the unit its definition gives', () => {
    expect(figureText('peakOccupancy', 0.973, DEFINITIONS, 'zh-CN')).toBe('97.3%');
    expect(figureText('saturationHours', 4.26, DEFINITIONS, 'zh-CN')).toBe('4.3 小时');
    expect(figureText('saturationHours', 4.26, DEFINITIONS, 'en')).toBe('4.3 h');
    expect(figureText('revenueFen', 12_345, DEFINITIONS, 'en')).toBe('¥123.45');
    expect(figureText('spacesPerHousehold', 0.375, DEFINITIONS, 'zh-CN')).toBe('0.38 车位/户');
    expect(figureText('deniedEntryRate', null, DEFINITIONS, 'zh-CN')).toBe('—');
  });

  it('plots the trend oldest first, leaving out periods without a value', () => {
    const r = row({
      site: 'a',
      trend: [
        { start: 10, index: 60, meanOccupancy: 0.5, peakOccupancy: 0.9, saturationHours: 2 },
        { start: 20, index: null, meanOccupancy: null, peakOccupancy: null, saturationHours: 0 },
        { start: 30, index: 70, meanOccupancy: 0.6, peakOccupancy: 1, saturationHours: 5 },
      ],
    });
    const series = trendSeries(r);
    expect(series.index.points).toEqual([
      { x: 10, y: 60 },
      { x: 30, y: 70 },
    ]);
    expect(series.peak.points.map((p) => p.y)).toEqual([90, 100]);
    expect(series.saturation.points.map((p) => p.x)).toEqual([10, 20, 30]);
  });

  it('sorts by index, level, name, change and figure', () => {
    const rows = [
      row({ site: 'a', siteName: '乙', index: 40, level: 'moderate' }),
      row({ site: 'b', siteName: '甲', index: 80, level: 'severe' }),
      row({ site: 'c', siteName: '丙', index: null, level: null }),
    ];
    rows[0]!.figures.turnover = 3;
    rows[1]!.figures.turnover = 1;
    rows[0]!.delta.index = -5;
    rows[1]!.delta.index = 12;
    const ids = (key: string, descending: boolean) => sortRows(rows, { column: key, descending }).map((r) => r.site);
    expect(ids('index', true)).toEqual(['b', 'a', 'c']);
    expect(ids('level', false)).toEqual(['c', 'a', 'b']);
    expect(ids('turnover', true)).toEqual(['a', 'b', 'c']);
    expect(ids('delta', true)).toEqual(['b', 'c', 'a']);
    expect(sortRows(rows, { column: 'name', descending: false }).map((r) => r.siteName)).toEqual(['丙', '甲', '乙']);
  });
});
