import { describe, expect, it } from 'vitest';
import type { EvaluationSite } from './api/types.ts';
import { indicatorColumns, readIndicator, reasonsOf, sortSites, trendDelta, trendOf } from './evaluation.ts';

function site(partial: Partial<EvaluationSite> & { site: string }): EvaluationSite {
  return { name: partial.site, index: null, level: null, reasons: null, indicators: null, trend: null, ...partial };
}

describe('bureau evaluation helpers', () => {
  it('reads bare and described indicators', () => {
    expect(readIndicator('turnover', 2.345, 'zh-CN')).toMatchObject({ value: 2.345, text: '2.35' });
    const described = readIndicator(
      'peakOccupancy',
      { value: 97, unit: '%', nameZh: '高峰占用率', nameEn: 'peak' },
      'zh-CN',
    );
    expect(described).toMatchObject({ value: 97, label: '高峰占用率', text: '97%' });
    expect(readIndicator('x', { value: 0.5, unit: 'ratio' }, 'en').text).toBe('50%');
    expect(readIndicator('x', 'n/a', 'en').value).toBeNull();
  });

  it('picks the preferred indicator columns first', () => {
    const sites = [site({ site: 'a', indicators: { turnover: 1, peakOccupancy: 0.9, custom: 3, text: 'x' } })];
    expect(indicatorColumns(sites)).toEqual(['peakOccupancy', 'turnover', 'custom']);
  });

  it('gives reasons in the chosen language from any of the shapes', () => {
    expect(reasonsOf(site({ site: 'a', reasons: ['高峰占用率97%'] }), 'en')).toEqual(['高峰占用率97%']);
    expect(reasonsOf(site({ site: 'a', reasons: [{ zh: '饱和41小时', en: '41 saturated hours' }] }), 'en')).toEqual([
      '41 saturated hours',
    ]);
    expect(reasonsOf(site({ site: 'a', reasons: { zh: ['紧张'], en: ['tight'] } }), 'zh-CN')).toEqual(['紧张']);
  });

  it('orders the trend by time and reports the last change', () => {
    const s = site({
      site: 'a',
      trend: [
        { start: 20, index: 70 },
        { start: 10, index: 60 },
      ],
    });
    expect(trendOf(s)).toEqual([
      { x: 10, y: 60 },
      { x: 20, y: 70 },
    ]);
    expect(trendDelta(s)).toBe(10);
    expect(trendDelta(site({ site: 'b', trend: { delta: -4, points: [] } }))).toBe(-4);
  });

  it('sorts by index, level, name and indicator', () => {
    const sites = [
      site({ site: 'a', name: '乙', index: 40, level: 'moderate', indicators: { turnover: 3 } }),
      site({ site: 'b', name: '甲', index: 80, level: 'severe', indicators: { turnover: 1 } }),
      site({ site: 'c', name: '丙', index: null, level: null }),
    ];
    expect(sortSites(sites, { column: 'index', descending: true }).map((s) => s.site)).toEqual(['b', 'a', 'c']);
    expect(sortSites(sites, { column: 'level', descending: false }).map((s) => s.site)).toEqual(['c', 'a', 'b']);
    expect(sortSites(sites, { column: 'turnover', descending: true }).map((s) => s.site)).toEqual(['a', 'b', 'c']);
    expect(sortSites(sites, { column: 'name', descending: false }).map((s) => s.name)).toEqual(['丙', '甲', '乙']);
  });
});
