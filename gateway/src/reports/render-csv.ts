import { toCsv } from './csv.ts';
import type { Report } from './report.ts';
import { indicatorName, type Lang, localDateTime, num, periodName } from './report-format.ts';

type Row = (string | number | null | undefined)[];

const HEADERS: Record<Lang, string[]> = {
  zh: ['分类', '对象', '指标', '数值', '单位', '说明'],
  en: ['section', 'subject', 'indicator', 'value', 'unit', 'note'],
};

const SECTIONS: Record<string, Record<Lang, string>> = {
  report: { zh: '报告', en: 'report' },
  site: { zh: '小区', en: 'site' },
  zone: { zh: '分区', en: 'zone' },
  day: { zh: '每日', en: 'day' },
  denied: { zh: '拒绝原因', en: 'denied by reason' },
  revenue: { zh: '收入', en: 'revenue' },
  compliance: { zh: '设施标准', en: 'facility standard' },
  quality: { zh: '数据质量', en: 'data quality' },
  coverage: { zh: '数据来源与完整度', en: 'sources and completeness' },
  index: { zh: '停车难指数', en: 'difficulty index' },
};

/** The report as rows of (section, subject, indicator, value, unit, note); ratios as decimals, money in fen. */
export function renderReportCsv(report: Report, lang: Lang = 'zh'): string {
  const r = report.indicators;
  const s = (key: string): string => SECTIONS[key]?.[lang] ?? key;
  const n = (key: string): string => indicatorName(report, key, lang);
  const unit = (key: string): string => report.definitions.indicators[key]?.unit ?? '';
  const rows: Row[] = [];
  const siteName = report.siteName;
  // A figure the source cannot measure reads '—' with the reason, never 0 or blank (#12.5).
  const missing = (key: string) => r.unmeasured[key];
  const value = (key: string, v: Row[number]): Row[number] => (missing(key) ? '—' : v);
  const why = (key: string, note: string): string => missing(key)?.[lang] ?? note;
  rows.push([
    s('report'),
    siteName,
    periodName(report.period, lang),
    localDateTime(report.start, report.timeZone, lang),
    '',
    localDateTime(report.end, report.timeZone, lang),
  ]);
  const occupancy = (subject: string, f: typeof r.site, section: string): void => {
    rows.push([s(section), subject, n('meanOccupancy'), f.meanOccupancy, unit('meanOccupancy'), '']);
    rows.push([
      s(section),
      subject,
      n('peakOccupancy'),
      f.peakOccupancy,
      unit('peakOccupancy'),
      f.peakAt === null ? '' : localDateTime(f.peakAt, report.timeZone, lang),
    ]);
    rows.push([
      s(section),
      subject,
      n('sustainedOccupancy'),
      f.sustainedOccupancy,
      unit('sustainedOccupancy'),
      `P${Math.round(report.definitions.parameters.sustainedPercentile * 100)}`,
    ]);
    rows.push([s(section), subject, n('nightOccupancy'), f.nightOccupancy, unit('nightOccupancy'), '']);
    rows.push([
      s(section),
      subject,
      n('saturationHours'),
      f.saturationHours,
      'h',
      `θ=${report.definitions.parameters.saturationThreshold}`,
    ]);
    rows.push([
      s(section),
      subject,
      n('overflowHours'),
      f.overflowHours,
      'h',
      // Rates are capped at capacity; the cars beyond it are this figure (#12.6).
      lang === 'zh'
        ? `最多超出${f.maxOverflow}辆；占用率按车位数封顶`
        : `at most ${f.maxOverflow} above capacity; rates capped at capacity`,
    ]);
    rows.push([
      s(section),
      subject,
      n('completeness'),
      f.completeness,
      'ratio',
      `${num(f.coveredHours)} h / ${num(f.expectedHours)} h`,
    ]);
  };
  // How the occupancy figures were counted (#12.1), and what was expected of each source (#12.2).
  for (const z of r.zones) {
    const subject = `${z.name} (${z.zone})`;
    rows.push([
      s('coverage'),
      subject,
      lang === 'zh' ? '保持规则' : 'hold rule',
      z.rule.holdMinutes,
      'min',
      z.rule.hold[lang],
    ]);
    rows.push([
      s('coverage'),
      subject,
      lang === 'zh' ? '应有观测时段' : 'expected window',
      z.rule.expectedWindow,
      '',
      '',
    ]);
    rows.push([s('coverage'), subject, lang === 'zh' ? '应有时长' : 'expected hours', z.expectedHours, 'h', '']);
    rows.push([s('coverage'), subject, lang === 'zh' ? '有数据时长' : 'covered hours', z.coveredHours, 'h', '']);
  }
  rows.push([s('coverage'), siteName, lang === 'zh' ? '应有时长' : 'expected hours', r.site.expectedHours, 'h', '']);
  rows.push([s('coverage'), siteName, lang === 'zh' ? '有数据时长' : 'covered hours', r.site.coveredHours, 'h', '']);
  for (const g of r.site.gaps)
    rows.push([
      s('coverage'),
      siteName,
      lang === 'zh' ? '缺失时段' : 'gap',
      (g.to - g.from) / 3_600_000,
      'h',
      `${localDateTime(g.from, report.timeZone, lang)} — ${localDateTime(g.to, report.timeZone, lang)}`,
    ]);
  occupancy(siteName, r.site, 'site');
  rows.push([
    s('site'),
    siteName,
    n('spaceHourUtilisation'),
    value('spaceHourUtilisation', r.sessions.spaceHourUtilisation),
    'ratio',
    why('spaceHourUtilisation', ''),
  ]);
  rows.push([
    s('site'),
    siteName,
    n('turnover'),
    value('turnover', r.sessions.turnover),
    unit('turnover'),
    why('turnover', `N=${r.sessions.sessions}`),
  ]);
  rows.push([
    s('site'),
    siteName,
    n('meanDwell'),
    value('meanDwell', r.sessions.meanDwellHours),
    'h',
    why('meanDwell', ''),
  ]);
  for (const [cls, h] of Object.entries(r.sessions.meanDwellHoursByClass))
    rows.push([s('site'), cls, n('meanDwell'), h, 'h', '']);
  rows.push([
    s('site'),
    siteName,
    n('deniedEntryRate'),
    value('deniedEntryRate', r.decisions.deniedEntryRate),
    'ratio',
    why('deniedEntryRate', `${r.decisions.entriesDenied}/${r.decisions.entriesDenied + r.decisions.entriesAdmitted}`),
  ]);
  rows.push([
    s('site'),
    siteName,
    n('spacesPerHousehold'),
    r.ratios.spacesPerHousehold,
    unit('spacesPerHousehold'),
    `${r.ratios.households}`,
  ]);
  rows.push([
    s('site'),
    siteName,
    n('vehiclesPerSpace'),
    value('vehiclesPerSpace', r.ratios.vehiclesPerSpace),
    unit('vehiclesPerSpace'),
    why('vehiclesPerSpace', `${r.ratios.registeredVehicles}`),
  ]);
  rows.push([
    s('site'),
    siteName,
    n('exceptionsPer100'),
    value('exceptionsPer100', r.sessions.exceptions.per100Sessions),
    unit('exceptionsPer100'),
    why('exceptionsPer100', JSON.stringify({ ...r.sessions.exceptions, per100Sessions: undefined })),
  ]);
  for (const z of r.zones) {
    occupancy(`${z.name} (${z.zone})`, z, 'zone');
    const subject = `${z.name} (${z.zone})`;
    rows.push([
      s('zone'),
      subject,
      n('spaceHourUtilisation'),
      value('spaceHourUtilisation', z.spaceHourUtilisation),
      'ratio',
      why('spaceHourUtilisation', ''),
    ]);
    rows.push([
      s('zone'),
      subject,
      n('turnover'),
      value('turnover', z.turnover),
      unit('turnover'),
      why('turnover', ''),
    ]);
  }
  for (const d of r.site.detail?.days ?? []) {
    rows.push([s('day'), d.date, n('meanOccupancy'), d.meanOccupancy, 'ratio', '']);
    rows.push([s('day'), d.date, n('peakOccupancy'), d.peakOccupancy, 'ratio', '']);
    rows.push([s('day'), d.date, n('sustainedOccupancy'), d.sustainedOccupancy, 'ratio', '']);
    rows.push([s('day'), d.date, n('saturationHours'), d.saturationHours, 'h', '']);
    rows.push([s('day'), d.date, n('overflowHours'), d.overflowHours, 'h', '']);
    rows.push([s('day'), d.date, n('completeness'), d.completeness, 'ratio', '']);
  }
  for (const [reason, v] of Object.entries(r.decisions.deniedByReason))
    rows.push([s('denied'), reason, n('deniedEntryRate'), v.rate, 'ratio', `${v.count}`]);
  const money = r.sessions.revenue;
  if (money === null) rows.push([s('revenue'), siteName, n('revenue'), '—', 'fen', why('revenue', '')]);
  else {
    rows.push([s('revenue'), siteName, n('revenue'), money.paidFen, 'fen', `billed ${money.billedFen}`]);
    for (const [cls, fen] of Object.entries(money.paidFenByUserClass))
      rows.push([s('revenue'), cls, n('revenue'), fen, 'fen', '']);
    for (const [cls, fen] of Object.entries(money.paidFenByVehicleClass))
      rows.push([s('revenue'), cls, n('revenue'), fen, 'fen', '']);
  }
  for (const c of r.compliance)
    rows.push([
      s('compliance'),
      c[lang],
      c.pass ? (lang === 'zh' ? '达标' : 'pass') : lang === 'zh' ? '不达标' : 'fail',
      c.figure,
      `≥ ${c.required}`,
      c.detail,
    ]);
  const q = r.dataQuality;
  rows.push([s('quality'), siteName, n('completeness'), q.completeness, 'ratio', '']);
  rows.push([s('quality'), siteName, n('sensorAvailability'), q.sensorAvailability, 'ratio', `${q.sensors}`]);
  rows.push([
    s('quality'),
    siteName,
    n('countDisagreement'),
    q.meanDisagreement,
    'vehicles',
    `max ${q.maxDisagreement ?? ''}`,
  ]);
  for (const flag of q.flags) rows.push([s('quality'), siteName, '', '', '', flag[lang]]);
  rows.push([
    s('index'),
    siteName,
    n('difficultyIndex'),
    r.index.value,
    '0–100',
    `${r.index.level?.[lang] ?? ''} ${r.index.reasons[lang]}`,
  ]);
  for (const c of r.index.components) rows.push([s('index'), c.key, c.figure ?? '', c.score, 'score', `w=${c.weight}`]);
  // What the per-day components were divided by, and the completeness floor (#12.3, #12.8).
  const b = r.index.basis;
  rows.push([
    s('index'),
    siteName,
    lang === 'zh' ? '有数据天数' : 'observed days',
    b.observedDays,
    lang === 'zh' ? '天' : 'days',
    lang === 'zh'
      ? `本期${num(b.localDays)}个自然日；完整度${num(b.completeness)}，低于${b.minCompleteness}不评定等级`
      : `${num(b.localDays)} local days in the period; completeness ${num(b.completeness)}, no level below ${b.minCompleteness}`,
  ]);
  return toCsv(HEADERS[lang], rows);
}
