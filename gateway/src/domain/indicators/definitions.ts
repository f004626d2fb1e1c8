import { z } from 'zod';

/** The one place where every indicator, weight and threshold is written down; it travels with every report. */

export const IndicatorDefinition = z.object({
  zh: z.string(),
  en: z.string(),
  unit: z.string(),
  formulaZh: z.string(),
  formulaEn: z.string(),
});
export type IndicatorDefinition = z.infer<typeof IndicatorDefinition>;

export const IndexComponent = z.object({
  key: z.string(),
  weight: z.number(),
  /** Figure at which the component scores 0 and at which it scores 100, linear in between, clamped. */
  zero: z.number(),
  full: z.number(),
  zh: z.string(),
  en: z.string(),
});
export type IndexComponent = z.infer<typeof IndexComponent>;

export const IndexLevel = z.object({ key: z.string(), zh: z.string(), en: z.string(), from: z.number() });
export type IndexLevel = z.infer<typeof IndexLevel>;

export const FacilityStandard = z.object({
  minSpacesPerHousehold: z.number().min(0).default(1),
  minEvShare: z.number().min(0).max(1).default(0.1),
  minAccessibleShare: z.number().min(0).max(1).default(0.01),
  requireEntranceCameraAndDisplay: z.boolean().default(true),
  minSensorCoverage: z.number().min(0).max(1).default(0.5),
});
export type FacilityStandard = z.infer<typeof FacilityStandard>;

/** Where a zone's occupancy readings come from; each kind has its own hold rule (#12.1). */
export const SourceKind = z.enum(['sensor', 'count', 'feed']);
export type SourceKind = z.infer<typeof SourceKind>;

/**
 * How long a reading counts when no newer one follows, per source: space sensors and the gate count are recorded by
 * the gateway every minute, so a silence of this long is the gateway or the sensors not reporting; an imported feed
 * without a known sampling interval is trusted this long (with one, one interval at most).
 */
export const HoldRules = z.object({
  sensorMinutes: z.number().positive().default(15),
  countMinutes: z.number().positive().default(15),
  feedMinutes: z.number().positive().default(60),
});
export type HoldRules = z.infer<typeof HoldRules>;

export const IndicatorParameters = z.object({
  saturationThreshold: z.number().gt(0).max(2).default(0.85),
  peakWindowMinutes: z.literal(15).default(15),
  /** A 15-minute window counts for the peak only when at least this share of it has data. */
  peakMinCoverage: z.number().min(0).max(1).default(0.5),
  /** The sustained occupancy is this percentile of the 15-minute means (#12.4). */
  sustainedPercentile: z.number().gt(0).lt(1).default(0.85),
  nightFromHour: z.number().int().min(0).max(23).default(22),
  nightToHour: z.number().int().min(0).max(23).default(6),
  /** |gate count − sensor count| above this many vehicles counts as a disagreement. */
  disagreementTolerance: z.number().int().min(0).default(2),
  facilityStandard: FacilityStandard.default(FacilityStandard.parse({})),
  hold: HoldRules.default(HoldRules.parse({})),
});
export type IndicatorParameters = z.infer<typeof IndicatorParameters>;

export const IndicatorDefinitions = z.object({
  version: z.number().int(),
  indicators: z.record(z.string(), IndicatorDefinition),
  index: z.object({
    components: z.array(IndexComponent),
    levels: z.array(IndexLevel),
    /** The index is given only when components with data carry at least this share of the total weight. */
    minWeight: z.number().min(0).max(1),
    /** …and only when the occupancy data covers at least this share of its expected observation time (#12.3). */
    minCompleteness: z.number().min(0).max(1),
  }),
  parameters: IndicatorParameters,
});
export type IndicatorDefinitions = z.infer<typeof IndicatorDefinitions>;

const d = (zh: string, en: string, unit: string, formulaZh: string, formulaEn: string): IndicatorDefinition => ({
  zh,
  en,
  unit,
  formulaZh,
  formulaEn,
});

export const DEFINITIONS: IndicatorDefinitions = {
  version: 3,
  indicators: {
    meanOccupancy: d(
      '平均占用率',
      'Mean occupancy',
      'ratio',
      '有数据且C(t)>0的时段内 min(A,C)/C 的时间加权平均（占用率按车位数封顶，超出部分计入超容指标）',
      'time-weighted mean of min(A, C)/C over the time with data and C(t) > 0 (rates are capped at capacity; cars beyond it count in the overflow figures)',
    ),
    peakOccupancy: d(
      '高峰占用率',
      'Peak occupancy',
      'ratio',
      '本地时间15分钟窗口内 min(A,C)/C 平均值的最大值（窗口数据覆盖不足50%不计）；仅供参考，不计入停车难指数',
      'max over local 15-minute windows of the mean of min(A, C)/C (windows under 50% data coverage are skipped); shown, not used by the index',
    ),
    sustainedOccupancy: d(
      '持续占用率',
      'Sustained occupancy',
      'ratio',
      '各15分钟窗口平均占用率的第85百分位数（最近秩法）：有数据时间中15%处于该水平及以上；单个高峰窗口不能决定它',
      'the 85th percentile (nearest rank) of the 15-minute mean occupancies: the level held for 15% of the observed time; no single busy window decides it',
    ),
    nightOccupancy: d(
      '夜间占用率',
      'Night occupancy',
      'ratio',
      '本地22:00–06:00内 min(A,C)/C 的时间加权平均（反映居民需求）',
      'time-weighted mean of min(A, C)/C over local 22:00–06:00 (resident demand)',
    ),
    saturationHours: d(
      '饱和时长',
      'Saturation hours',
      'h',
      'A(t)/C(t) ≥ θ 的总时长（θ默认0.85），精确积分',
      'total time with A(t)/C(t) ≥ θ (θ default 0.85), integrated exactly',
    ),
    overflowHours: d(
      '超容时长',
      'Overflow hours',
      'h',
      'A(t) > C(t) 的总时长（车辆停在划线车位之外），并给出最大超容车辆数 max(A − C)',
      'total time with A(t) > C(t) (cars parked outside marked spaces), with the most cars above capacity, max(A − C)',
    ),
    spaceHourUtilisation: d(
      '车位时间利用率',
      'Space-hour utilisation',
      'ratio',
      'Σdᵢ / ∫C dt，dᵢ为截取到本期内的停放时长',
      'Σdᵢ / ∫C dt, with each stay dᵢ clipped to the period',
    ),
    turnover: d(
      '周转率',
      'Turnover',
      'sessions/space/day',
      '本期入场车次 / (平均车位数 × 本期自然日数)，夏令时切换的23或25小时的一天算一天',
      'entries in the period / (mean spaces × local calendar days of the period; a 23- or 25-hour day is one day)',
    ),
    meanDwell: d(
      '平均停放时长',
      'Mean dwell',
      'h',
      '本期入场且已离场车次的完整停放时长 Σdᵢ/N，按用户类别',
      'Σdᵢ/N over sessions that entered in the period and have left (whole stays), by user class',
    ),
    deniedEntryRate: d(
      '入场拒绝率',
      'Denied-entry rate',
      'ratio',
      '拒绝 / (拒绝 + 放行)，入口决策，按原因',
      'denied / (denied + admitted) over entry decisions, by reason',
    ),
    spacesPerHousehold: d(
      '车位配比',
      'Space-to-household ratio',
      'spaces/household',
      '平均车位数(∫C dt / T) / 户数',
      'mean spaces (∫C dt / T) / households',
    ),
    vehiclesPerSpace: d(
      '车位车辆比',
      'Vehicles per space',
      'vehicles/space',
      '登记车辆数 / 平均车位数',
      'registered vehicles / mean spaces',
    ),
    exceptionsPer100: d(
      '异常率（每百车次）',
      'Exceptions per 100 sessions',
      'per 100',
      '(无入场记录出场 + 模糊匹配 + 人工开闸 + 访客超时) × 100 / 本期车次',
      '(no-entry-record exits + fuzzy matches + manual opens + visitor overstays) × 100 / sessions of the period',
    ),
    revenue: d(
      '收入',
      'Revenue',
      'fen',
      '本期离场车次的实收与应收，按用户类别和车型，单位分',
      'paid and billed amounts of sessions that left in the period, by user and vehicle class, in fen',
    ),
    sensorAvailability: d(
      '传感器可用率',
      'Sensor availability',
      'ratio',
      '1 − Σ离线时长 / (传感器数 × T)',
      '1 − Σ downtime / (sensors × T)',
    ),
    countDisagreement: d(
      '道闸计数与传感器差异',
      'Gate-count vs sensor disagreement',
      'vehicles',
      '样本 |道闸计数 − 传感器计数| 的平均值、最大值及超出容差的样本比例',
      'mean and max of |gate count − sensor count| over samples, and the share beyond the tolerance',
    ),
    completeness: d(
      '数据完整度',
      'Report completeness',
      'ratio',
      '应有观测时段内有占用数据的时长 / 应有观测时长（传感器和道闸全天；导入数据按其发布时段）；缺失时段列出，不作插补',
      'time with occupancy data inside the expected observation window / that window (sensors and gates: all day; an imported feed: its published hours); gaps are listed, never filled in',
    ),
    difficultyIndex: d(
      '停车难指数',
      'Parking difficulty index',
      '0–100',
      'Σ wₖ·sₖ / Σ wₖ，sₖ为各分项按断点线性归一化的0–100分，缺数据的分项不计并注明',
      'Σ wₖ·sₖ / Σ wₖ, each sₖ a 0–100 score normalised linearly between breakpoints; components without data are left out and named',
    ),
  },
  index: {
    components: [
      { key: 'sustainedOccupancy', weight: 0.25, zero: 0.6, full: 1, zh: '持续占用率', en: 'sustained occupancy' },
      { key: 'saturationHoursPerDay', weight: 0.2, zero: 0, full: 12, zh: '日均饱和时长', en: 'saturated hours/day' },
      { key: 'deniedEntryRate', weight: 0.2, zero: 0, full: 0.1, zh: '入场拒绝率', en: 'denied-entry rate' },
      { key: 'nightOccupancy', weight: 0.15, zero: 0.6, full: 1, zh: '夜间占用率', en: 'night occupancy' },
      { key: 'spacesPerHousehold', weight: 0.1, zero: 1.2, full: 0.5, zh: '车位配比', en: 'spaces per household' },
      { key: 'overflowHoursPerDay', weight: 0.1, zero: 0, full: 4, zh: '日均超容时长', en: 'overflow hours/day' },
    ],
    levels: [
      { key: 'smooth', zh: '畅通', en: 'smooth', from: 0 },
      { key: 'moderate', zh: '一般', en: 'moderate', from: 25 },
      { key: 'tight', zh: '紧张', en: 'tight', from: 50 },
      { key: 'severe', zh: '严重', en: 'severe', from: 75 },
    ],
    minWeight: 0.5,
    minCompleteness: 0.5,
  },
  parameters: IndicatorParameters.parse({}),
};

export function definitionsWith(parameters: Partial<IndicatorParameters>): IndicatorDefinitions {
  return { ...DEFINITIONS, parameters: IndicatorParameters.parse({ ...DEFINITIONS.parameters, ...parameters }) };
}
