import type { IndicatorDefinitions } from './definitions.ts';
import { LOW_COVERAGE } from './facility-figures.ts';

/** docs/indicators.md, generated from the definitions so the two cannot drift (a test compares them). */
export function renderIndicatorsDoc(defs: IndicatorDefinitions): string {
  const p = defs.parameters;
  const lines: string[] = [
    '# 统计评估指标 / Evaluation indicators',
    '',
    '<!-- Generated from gateway/src/domain/indicators/definitions.ts by renderIndicatorsDoc(); a test keeps it in step. -->',
    '',
    `定义版本 / definitions version: ${defs.version}. C(t) 为当时有效的车位数（容量按版本随时间变化），A(t) 为在场车辆数（阶跃函数，精确积分），dᵢ 为停放时长。`,
    `C(t) is the capacity in force at t (versioned), A(t) the vehicles present (a step function, integrated exactly), dᵢ a stay.`,
    '',
    '| key | 指标 | indicator | unit | 定义 | definition |',
    '|---|---|---|---|---|---|',
  ];
  for (const [key, d] of Object.entries(defs.indicators)) {
    lines.push(`| \`${key}\` | ${d.zh} | ${d.en} | ${d.unit} | ${d.formulaZh} | ${d.formulaEn} |`);
  }
  lines.push(
    '',
    '## 参数 / Parameters',
    '',
    `- 饱和阈值 θ / saturation threshold θ: ${p.saturationThreshold}`,
    `- 高峰窗口 / peak window: ${p.peakWindowMinutes} min, 最低数据覆盖 / minimum coverage ${p.peakMinCoverage}`,
    `- 夜间 / night: ${p.nightFromHour}:00–${p.nightToHour}:00 (site local time / 小区所在时区)`,
    `- 计数差异容差 / disagreement tolerance: ${p.disagreementTolerance} vehicles`,
    '',
    '## 读数保持规则 / How long a reading counts',
    '',
    'A(t) 为阶跃函数：每个读数保持到下一个读数，但最长不超过其数据来源的保持时长，超过即为缺失（不作插补）。规则随每份报告列出。',
    'A(t) is a step function: each reading holds until the next one, but at most for its source’s hold; beyond that the',
    'data is missing (never filled in). Every report prints the rule each zone used.',
    '',
    `- 车位传感器 / space sensors: ${p.hold.sensorMinutes} min（网关每分钟记录 / recorded every minute by the gateway）`,
    `- 道闸计数 / gate count: ${p.hold.countMinutes} min（网关每分钟记录 / recorded every minute by the gateway）`,
    `- 导入数据 / imported feed: ${p.hold.feedMinutes} min；已知采样间隔的，最长一个间隔（加其声明的延迟）/ with a known sampling interval, one interval at most (plus the lateness it declares)`,
    '- 变化记录 / a change log: 保持到下一个读数，缺失时段由记录以空值标出 / until the next reading, missing stretches marked in it',
    '',
    '## 完整度 / Completeness',
    '',
    '完整度 = 应有观测时段内有数据的时长 / 应有观测时长。传感器和道闸全天（00:00–24:00）应有数据；导入数据按其发布时段（如 08:00–16:30，按小区当地时间，夏令时切换日照常计）。报告给出有数据时长、应有时长和缺失时段列表（JSON、CSV、HTML）。',
    'Completeness = time with data inside the expected observation window / that window. Sensors and gates are expected',
    'all day (00:00–24:00); an imported feed over its published hours (e.g. 08:00–16:30, local time, also on a DST',
    'change day). Reports give covered hours, expected hours and the list of gaps (JSON, CSV and HTML).',
    `完整度低于 ${LOW_COVERAGE * 100}% 时报告给出数据不足的提示。/ Below ${LOW_COVERAGE * 100}% the report warns that its data is thin.`,
    '',
    '## 停车设施标准 / Facility standard (configurable / 可配置)',
    '',
    `- 户均车位 ≥ / spaces per household ≥ ${p.facilityStandard.minSpacesPerHousehold}`,
    `- 充电车位比例 ≥ / EV-charging share ≥ ${p.facilityStandard.minEvShare}`,
    `- 无障碍车位比例 ≥ / accessible share ≥ ${p.facilityStandard.minAccessibleShare} (至少1个 / at least 1)`,
    `- 每个入口配车牌识别与显示屏 / every entrance with plate camera and display: ${p.facilityStandard.requireEntranceCameraAndDisplay}`,
    `- 车位传感器覆盖率 ≥ / sensor coverage ≥ ${p.facilityStandard.minSensorCoverage}`,
    '',
    '## 停车难指数 / Parking difficulty index',
    '',
    '指数 = Σ wₖ·sₖ / Σ wₖ；每个分项 sₖ 在“0分点”与“100分点”之间线性取值并截断到 0–100；缺数据的分项不参与并在报告中注明。',
    'Index = Σ wₖ·sₖ / Σ wₖ; each component sₖ is linear between its 0-point and its 100-point, clamped to 0–100;',
    'components without data are left out and named in the report.',
    '',
    `有数据的分项权重之和不足总权重的 ${defs.index.minWeight} 时不给出指数（“数据不足”）。`,
    `When the components with data carry less than ${defs.index.minWeight} of the total weight, no index is given ("not enough data").`,
    '',
    `占用数据完整度低于 ${defs.index.minCompleteness} 时同样不给出指数，报告写“数据不足：占用数据仅覆盖应有观测时长的x%”，不评定等级（缺失的天不当作“畅通”的天）。`,
    `When the occupancy data covers less than ${defs.index.minCompleteness} of its expected observation time, no index is given either: the`,
    'report says "not enough data: occupancy data covers only x% …" and gives no level (missing days are not calm days).',
    '',
    '日均分项（日均饱和时长、日均超容时长）= 本期合计 / 有数据的天数；有数据的天数 = 有数据时长 / 每个自然日的应有观测时长。自然日按小区时区计，夏令时切换的23或25小时的一天仍算一天。',
    'Per-day components (saturated and overflow hours a day) = the period total / the observed days; observed days =',
    'covered hours / the expected hours of one local day. Days are local calendar days: the 23- or 25-hour day of a',
    'clock change is one day.',
    '',
    '| component | 分项 | weight 权重 | 0 分 / scores 0 at | 100 分 / scores 100 at |',
    '|---|---|---|---|---|',
  );
  for (const c of defs.index.components) {
    lines.push(`| \`${c.key}\` (${c.en}) | ${c.zh} | ${c.weight} | ${c.zero} | ${c.full} |`);
  }
  lines.push('', '| 等级 | level | 指数 ≥ / index from |', '|---|---|---|');
  for (const l of defs.index.levels) lines.push(`| ${l.zh} | ${l.en} | ${l.from} |`);
  lines.push(
    '',
    '原因文字列出得分 ≥ 50 的分项，按贡献从大到小，例如“持续占用率97%，饱和41小时，6%的入场车辆被拒”。',
    'The reasons list the components scoring at least 50, largest contribution first, e.g.',
    '"sustained occupancy 97%, 41 saturated hours, 6% of entries turned away".',
    '',
    '### 为什么用持续占用率而不是高峰 / Why a sustained measure, not the peak',
    '',
    `指数的占用分项是各15分钟窗口平均占用率的第${p.sustainedPercentile * 100}百分位数（持续占用率），而不是最高的一个窗口：一刻钟满位不能把一个小区评为“紧张”，有数据时间的${Math.round((1 - p.sustainedPercentile) * 100)}%都处于高位才会。0分点 0.6 取自 SFpark 的目标占用区间（60%–80%，低于它不存在找位困难）；占用率达到 85%（Shoup 的“85%规则”：超过它车位实际上已满，需要绕行找位）时该分项得 62.5 分，进入“紧张”；100% 得满分。高峰占用率仍在报告中列出，但不计入指数。`,
    `The occupancy component of the index is the ${p.sustainedPercentile * 100}th percentile of the 15-minute mean occupancies (sustained`,
    'occupancy), not the single fullest window: one full quarter-hour cannot make a community "tight"; a high level held for',
    `${Math.round((1 - p.sustainedPercentile) * 100)}% of the observed time does. It scores 0 at 0.6, the bottom of SFpark's target band (60–80%: below it nobody`,
    'searches for a space), 62.5 at 0.85 (Shoup\'s "85% rule": beyond it a car park is effectively full and drivers cruise), and',
    '100 at full. The peak is still reported, but not used by the index.',
    '',
    '### 超容 / Occupancy above capacity',
    '',
    '所有占用率（平均、高峰、持续、夜间）按车位数封顶：min(A, C)/C，最大为100%。停在划线车位之外的车辆单独计入超容时长和最大超容车辆数，不抬高占用率。',
    'Every occupancy rate (mean, peak, sustained, night) is capped at capacity: min(A, C)/C, at most 100%. Cars parked',
    'beyond the marked spaces count in their own figures, overflow hours and the most cars above capacity, not in the rates.',
    '',
    '## 统计口径 / Counting rules',
    '',
    '- 周期按小区时区划分：日报 00:00 起，周报周一 00:00 起，月报每月1日 00:00 起。/ Periods follow the site time zone: days from 00:00, weeks from Monday, months from the 1st.',
    '- 本期车次 = 本期内入场的车次；无入场记录的出场以出场时刻计。/ Sessions of the period = those that entered in it; a no-entry-record exit counts at its exit.',
    '- 收入按离场时刻归属。/ Revenue belongs to the period of the exit.',
    '- 缺失数据不插补：完整度和缺失时段随报告给出。/ Missing data is never filled in: completeness and the gaps are part of the report.',
    '- 数据来源无法测量的指标（如导入的占用数据没有车次、道闸决策、收费和车辆登记）显示为“—”并写明原因（JSON 中为 null，原因在 unmeasured 中），不显示为0，也不计入指数权重。/ A figure the source cannot measure (an imported occupancy feed has no stays, gate decisions, payments or vehicle register) reads "—" with the reason (null in JSON, the reason under `unmeasured`), never 0, and is left out of the index weight.',
    '',
  );
  return lines.join('\n');
}
