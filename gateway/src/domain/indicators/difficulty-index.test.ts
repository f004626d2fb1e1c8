import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS } from './definitions.ts';
import { difficultyIndex } from './difficulty-index.ts';
import { renderIndicatorsDoc } from './indicators-doc.ts';

const calm = {
  sustainedOccupancy: 0.5,
  saturationHoursPerDay: 0,
  deniedEntryRate: 0,
  nightOccupancy: 0.4,
  spacesPerHousehold: 1.5,
  overflowHoursPerDay: 0,
};

describe('difficultyIndex', () => {
  it('gives no index when the components with data carry less than half the weight', () => {
    // Only the space ratio (weight 0.1) and the denied rate (0.2): 0.3 of 1.0 < 0.5.
    const thin = difficultyIndex(DEFINITIONS, { spacesPerHousehold: 0.23, deniedEntryRate: 0 }, 1);
    expect(thin.value).toBeNull();
    expect(thin.level).toBeNull();
    expect(thin.reasons.zh).toMatch(/^数据不足，无法计算（缺少数据：持续占用率/);
    // Add sustained occupancy (0.25): 0.55 ≥ 0.5, so the index is the weighted mean of the three.
    const enough = difficultyIndex(
      DEFINITIONS,
      { spacesPerHousehold: 0.5, deniedEntryRate: 0, sustainedOccupancy: 0.6 },
      1,
    );
    // scores: space ratio 100 (at its 100-point), denied 0, sustained 0 (at its 0-point) → (0.1·100) / 0.55 = 18.18…
    expect(enough.value).toBeCloseTo(1000 / 55, 9);
    expect(enough.level?.key).toBe('smooth');
  });

  it('scores a calm community 0, 畅通, with a plain reason', () => {
    const r = difficultyIndex(DEFINITIONS, calm, 7);
    expect(r.value).toBe(0);
    expect(r.level).toMatchObject({ zh: '畅通', en: 'smooth' });
    expect(r.reasons).toEqual({ zh: '各项指标正常', en: 'all indicators within normal range' });
  });

  it('scores every component at its 100-point as 100, 严重', () => {
    const r = difficultyIndex(
      DEFINITIONS,
      {
        sustainedOccupancy: 1,
        saturationHoursPerDay: 12,
        deniedEntryRate: 0.2,
        nightOccupancy: 1,
        spacesPerHousehold: 0.4,
        overflowHoursPerDay: 4,
      },
      1,
    );
    expect(r.value).toBe(100);
    expect(r.level?.zh).toBe('严重');
  });

  it('works a mixed week by hand and names the reasons, largest contribution first', () => {
    // sustained 0.97 → (0.97−0.6)/0.4 = 92.5 × 0.25 = 23.125; saturation 41 h / 7 d = 5.857 h/d → 48.81 × 0.2 =
    // 9.762; denied 0.06 → 60 × 0.2 = 12; the rest score 0. Index = 44.887 → 一般 (25 ≤ x < 50).
    const r = difficultyIndex(
      DEFINITIONS,
      { ...calm, sustainedOccupancy: 0.97, saturationHoursPerDay: 41 / 7, deniedEntryRate: 0.06 },
      7,
    );
    expect(r.value).toBeCloseTo(23.125 + (41 / 7 / 12) * 100 * 0.2 + 12, 9);
    expect(r.level?.zh).toBe('一般');
    expect(r.reasons.zh).toBe('持续占用率97%，6%的入场车辆被拒');
    expect(r.reasons.en).toBe('sustained occupancy 97%, 6% of entries turned away');
  });

  it('names the saturation hours of the period when they matter', () => {
    const r = difficultyIndex(DEFINITIONS, { ...calm, sustainedOccupancy: 0.97, saturationHoursPerDay: 8 }, 7);
    // saturation 8/12 → 66.7 × 0.2 = 13.3 < sustained 23.125: sustained first; 23.125 + 13.3 = 36.5 → 一般.
    expect(r.reasons.zh).toBe('持续占用率97%，饱和56小时');
    expect(r.value).toBeCloseTo(23.125 + (8 / 12) * 100 * 0.2, 9);
    expect(r.level?.zh).toBe('一般');
  });

  it('leaves out components without data and says so', () => {
    const r = difficultyIndex(DEFINITIONS, { ...calm, deniedEntryRate: null, sustainedOccupancy: 1 }, 1);
    // Only the present weights count: 0.25 × 100 / (1 − 0.2) = 31.25.
    expect(r.value).toBeCloseTo(31.25, 9);
    expect(r.missing).toEqual(['deniedEntryRate']);
    expect(r.reasons.zh).toBe('持续占用率100%（缺少数据：入场拒绝率）');
  });

  it('has weights that sum to 1 and ordered level thresholds', () => {
    const sum = DEFINITIONS.index.components.reduce((s, c) => s + c.weight, 0);
    expect(sum).toBeCloseTo(1, 12);
    const froms = DEFINITIONS.index.levels.map((l) => l.from);
    expect([...froms].sort((a, b) => a - b)).toEqual(froms);
  });
});

describe('docs/indicators.md', () => {
  it('is the rendering of the definitions in code', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../../docs/indicators.md'), 'utf8');
    expect(doc).toBe(renderIndicatorsDoc(DEFINITIONS));
  });
});
