import type { Report } from './report.ts';
import { indicatorName, type Lang, localDateTime, num, pct, periodName, WEEKDAYS, yuan } from './report-format.ts';
import { barChart, escapeHtml as e, heatMap, horizontalBars, indexGauge } from './svg-charts.ts';

const T = {
  zh: {
    index: '停车难指数',
    profile: '日内占用曲线（按小时平均占用率）',
    heat: '饱和热力图（星期 × 小时，饱和时长占比）',
    denied: '入场拒绝（按原因）',
    days: '每日平均占用率',
    figures: '主要指标',
    zones: '分区',
    compliance: '停车设施标准',
    revenue: '收入',
    quality: '数据质量',
    definitions: '指标定义',
    pass: '达标',
    fail: '不达标',
    item: '项目',
    figure: '数值',
    required: '要求',
    result: '结论',
    generated: '生成时间',
    noData: '无数据',
    coverage: '数据来源与完整度',
    source: '数据来源与保持规则',
    window: '应有观测时段',
    covered: '有数据时长 / 应有时长',
    gaps: '缺失时段',
    noGaps: '无缺失时段',
  },
  en: {
    index: 'Parking difficulty index',
    profile: 'Occupancy over the day (mean by hour)',
    heat: 'Saturation heat map (weekday × hour, share of time saturated)',
    denied: 'Denied entries by reason',
    days: 'Mean occupancy by day',
    figures: 'Headline figures',
    zones: 'Zones',
    compliance: 'Facility standard',
    revenue: 'Revenue',
    quality: 'Data quality',
    definitions: 'Definitions',
    pass: 'pass',
    fail: 'fail',
    item: 'item',
    figure: 'figure',
    required: 'required',
    result: 'result',
    generated: 'generated',
    noData: 'no data',
    coverage: 'Sources and completeness',
    source: 'source and hold rule',
    window: 'expected observation window',
    covered: 'covered / expected hours',
    gaps: 'gaps',
    noGaps: 'no gaps',
  },
} as const;

const CSS = `
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
th{background:#f4f4f4}.num{text-align:right}.fail{color:#c62828;font-weight:bold}.pass{color:#2e7d32}
.chart{width:100%;height:auto;display:block;margin:6px 0}.chart .bar{fill:#1976d2}.chart .nodata{fill:#eee;stroke:#ccc}
.chart .threshold{stroke:#e53935;stroke-dasharray:4 3}.chart text{font-size:10px}.chart .title{font-size:12px;font-weight:bold}
.chart .tick{text-anchor:middle}.chart .axis{text-anchor:end}.chart .marker{fill:#222}.chart .value{font-size:11px}
.index{font-size:18px}.muted{color:#666;font-size:12px}
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}.chart,table{break-inside:avoid}}
`;

function row(cells: string[], head = false): string {
  const tag = head ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

/** A printable page with inline SVG charts and no external assets; zh-CN first. */
export function renderReportHtml(report: Report, lang: Lang = 'zh'): string {
  const t = T[lang];
  const r = report.indicators;
  const n = (key: string): string => e(indicatorName(report, key, lang));
  const when = (ms: number): string => e(localDateTime(ms, report.timeZone, lang));
  const detail = r.site.detail;
  const theta = report.definitions.parameters.saturationThreshold;
  const profile = barChart({
    title: t.profile,
    values: detail?.hourlyProfile ?? [],
    labels: Array.from({ length: 24 }, (_, h) => `${h}`),
    max: Math.max(1, ...(detail?.hourlyProfile ?? []).map((v) => v ?? 0)),
    threshold: theta,
    format: (v) => pct(v, 0),
  });
  const heat = heatMap({
    title: t.heat,
    rows: WEEKDAYS[lang],
    columns: Array.from({ length: 24 }, (_, h) => `${h}`),
    values: (detail?.saturationHeatmap ?? []).map((hours, wd) =>
      hours.map((sat, h) => {
        const covered = detail?.heatmapCoveredHours[wd]?.[h] ?? 0;
        return covered > 0 ? sat / covered : null;
      }),
    ),
    format: (wd, h) =>
      `${WEEKDAYS[lang][wd]} ${h}:00 — ${num(detail?.saturationHeatmap[wd]?.[h] ?? 0, 1)} h / ${num(detail?.heatmapCoveredHours[wd]?.[h] ?? 0, 1)} h`,
  });
  const denied = horizontalBars({
    title: t.denied,
    items: Object.entries(r.decisions.deniedByReason)
      .sort((a, b) => b[1].count - a[1].count)
      .map(([reason, v]) => ({ label: reason, value: v.count, text: `${v.count} (${pct(v.rate)})` })),
  });
  const days = barChart({
    title: t.days,
    values: (detail?.days ?? []).map((d) => d.meanOccupancy),
    labels: (detail?.days ?? []).map((d) => d.date.slice(5)),
    max: 1,
    format: (v) => pct(v, 0),
  });
  const gauge = indexGauge({
    title: t.index,
    value: r.index.value,
    levels: report.definitions.index.levels.map((l) => ({ from: l.from, label: l[lang] })),
  });
  // A figure the source cannot measure reads '—' with the reason, never 0 (#12.5).
  const or = (key: string, text: string): string => {
    const reason = r.unmeasured[key];
    return reason ? `— <span class="muted">（${e(reason[lang])}）</span>` : text;
  };
  const figures: [string, string][] = [
    [n('meanOccupancy'), pct(r.site.meanOccupancy)],
    [n('peakOccupancy'), `${pct(r.site.peakOccupancy)}${r.site.peakAt === null ? '' : ` (${when(r.site.peakAt)})`}`],
    [n('sustainedOccupancy'), pct(r.site.sustainedOccupancy)],
    [n('nightOccupancy'), pct(r.site.nightOccupancy)],
    [n('saturationHours'), `${num(r.site.saturationHours, 1)} h (θ = ${theta})`],
    [
      n('overflowHours'),
      `${num(r.site.overflowHours, 1)} h · ${lang === 'zh' ? `最多超出${r.site.maxOverflow}辆` : `at most ${r.site.maxOverflow} above capacity`}`,
    ],
    [n('spaceHourUtilisation'), or('spaceHourUtilisation', pct(r.sessions.spaceHourUtilisation))],
    [n('turnover'), or('turnover', num(r.sessions.turnover))],
    [n('meanDwell'), or('meanDwell', `${num(r.sessions.meanDwellHours, 1)} h`)],
    [n('deniedEntryRate'), or('deniedEntryRate', pct(r.decisions.deniedEntryRate))],
    [n('spacesPerHousehold'), num(r.ratios.spacesPerHousehold)],
    [n('vehiclesPerSpace'), or('vehiclesPerSpace', num(r.ratios.vehiclesPerSpace))],
    [n('exceptionsPer100'), or('exceptionsPer100', num(r.sessions.exceptions.per100Sessions, 1))],
    [n('revenue'), or('revenue', r.sessions.revenue ? e(yuan(r.sessions.revenue.paidFen)) : '—')],
    [n('completeness'), pct(r.site.completeness)],
  ];
  const zones = r.zones.map((z) =>
    row([
      e(`${z.name} (${z.zone})`),
      num(z.meanCapacity, 0),
      pct(z.meanOccupancy),
      pct(z.peakOccupancy),
      pct(z.sustainedOccupancy),
      num(z.saturationHours, 1),
      num(z.overflowHours, 1),
      pct(z.completeness),
    ]),
  );
  const compliance = r.compliance.map((c) =>
    row([
      e(c[lang]),
      num(c.figure),
      `≥ ${num(c.required)}`,
      `<span class="${c.pass ? 'pass' : 'fail'}">${c.pass ? t.pass : t.fail}</span>`,
      e(c.detail ?? ''),
    ]),
  );
  const money = r.sessions.revenue;
  const revenue = money
    ? [
        ...Object.entries(money.paidFenByUserClass).map(([k, v]) => row([e(k), e(yuan(v))])),
        ...Object.entries(money.paidFenByVehicleClass).map(([k, v]) => row([e(k), e(yuan(v))])),
      ]
    : [];
  const q = r.dataQuality;
  const defs = Object.values(report.definitions.indicators).map((d) =>
    row([e(d[lang]), e(lang === 'zh' ? d.formulaZh : d.formulaEn), e(d.unit)]),
  );
  const level = r.index.level ? e(r.index.level[lang]) : t.noData;
  const b = r.index.basis;
  const basisText =
    lang === 'zh'
      ? `日均分项按有数据的天数计：${num(b.observedDays, 1)}天（本期${num(b.localDays, 1)}个自然日）；数据完整度${pct(b.completeness)}，低于${pct(b.minCompleteness)}不评定等级`
      : `per-day components divide by the days with data: ${num(b.observedDays, 1)} (of ${num(b.localDays, 1)} local days); completeness ${pct(b.completeness)}, no level below ${pct(b.minCompleteness)}`;
  // How the occupancy figures were counted, beside them (#12.1, #12.2).
  const coverage = r.zones.map((z) =>
    row([
      e(`${z.name} (${z.zone})`),
      e(z.rule.hold[lang]),
      e(z.rule.expectedWindow),
      `${num(z.coveredHours, 1)} h / ${num(z.expectedHours, 1)} h`,
      pct(z.completeness),
    ]),
  );
  const gapList =
    r.site.gaps.length === 0
      ? t.noGaps
      : `${r.site.gaps.map((g) => `${when(g.from)} — ${when(g.to)}`).join('; ')}${r.site.gapCount > r.site.gaps.length ? ` … (${r.site.gapCount})` : ''}`;
  return `<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><title>${e(`${report.siteName} ${periodName(report.period, lang)}`)}</title><style>${CSS}</style></head>
<body>
<h1>${e(report.siteName)} · ${e(periodName(report.period, lang))}</h1>
<div class="muted">${when(report.start)} — ${when(report.end)} (${e(report.timeZone)}) · ${t.generated} ${when(report.generatedAt)}</div>
<h2>${t.index}</h2>
<div class="index"><strong>${r.index.value === null ? '—' : r.index.value.toFixed(1)}</strong> · ${level} · ${e(r.index.reasons[lang])}</div>
${gauge}
<div class="muted">${e(basisText)}</div>
<h2>${t.figures}</h2>
<table>${figures.map(([k, v]) => row([k, v])).join('')}</table>
<p class="muted">${lang === 'zh' ? '占用率按车位数封顶（最高100%），停在车位之外的车辆计入超容时长；停车难指数的占用分项用持续占用率，不用高峰。' : 'Occupancy rates are capped at capacity (100% at most); cars beyond the spaces count in the overflow hours. The index reads the sustained occupancy, not the peak.'}</p>
${profile}
${heat}
${detail && detail.days.length > 1 ? days : ''}
${denied}
<h2>${t.coverage}</h2>
<table>${row(['', t.source, t.window, t.covered, n('completeness')], true)}${coverage.join('')}${row([e(report.siteName), '', '', `${num(r.site.coveredHours, 1)} h / ${num(r.site.expectedHours, 1)} h`, pct(r.site.completeness)])}</table>
<p class="muted">${t.gaps}: ${gapList}</p>
<h2>${t.zones}</h2>
<table>${row(['', 'C', n('meanOccupancy'), n('peakOccupancy'), n('sustainedOccupancy'), n('saturationHours'), n('overflowHours'), n('completeness')], true)}${zones.join('')}</table>
<h2>${t.compliance}</h2>
<table>${row([t.item, t.figure, t.required, t.result, ''], true)}${compliance.join('')}</table>
<h2>${t.revenue}</h2>
<table>${row([n('revenue'), or('revenue', money ? e(yuan(money.paidFen)) : '—')], true)}${revenue.join('')}</table>
<h2>${t.quality}</h2>
<table>${row([n('completeness'), pct(q.completeness)])}${row([n('sensorAvailability'), pct(q.sensorAvailability)])}${row([n('countDisagreement'), num(q.meanDisagreement, 1)])}</table>
${q.flags.map((f) => `<p class="fail">${e(f[lang])}</p>`).join('')}
<h2>${t.definitions}</h2>
<table>${defs.join('')}</table>
</body>
</html>
`;
}
