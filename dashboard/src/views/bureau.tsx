import { useState } from 'preact/hooks';
import { api, download } from '../api/client.ts';
import type { Evaluation, EvaluationSite } from '../api/types.ts';
import { Bars, LineChart } from '../components/charts.tsx';
import { Async, Card, Empty, ErrorBox, LevelBadge, plainText } from '../components/ui.tsx';
import {
  indicatorColumns,
  indicatorsOf,
  normaliseEvaluation,
  readIndicator,
  reasonsOf,
  type SortKey,
  sortSites,
  trendDelta,
  trendOf,
} from '../evaluation.ts';
import { dateOnly } from '../format.ts';
import { useResource } from '../hooks.ts';
import { getLang, t } from '../i18n/i18n.ts';
import { href, navigate, type Route } from '../router.ts';
import { ReportList } from './reports.tsx';

const PERIODS = ['daily', 'weekly', 'monthly'] as const;
const PERIOD_LABEL = { monthly: 'reports.monthly', weekly: 'reports.weekly', daily: 'reports.daily' } as const;

/** The bureau's view: every community in one sortable table with the index, level, reasons and trend; drill down. */
export function BureauView(props: { route: Route }) {
  const period = props.route.query.get('period') ?? 'daily';
  const evaluation = useResource(
    () => api<Record<string, unknown>>('/api/bureau/evaluation', { query: { period } }).then(normaliseEvaluation),
    [period],
  );
  const drill = props.route.parts[1];
  return (
    <Async data={evaluation.data} error={evaluation.error} reload={evaluation.reload}>
      {(data) => {
        const chosen = drill ? data.sites.find((s) => s.site === drill) : undefined;
        if (drill) return chosen ? <CommunityDetail site={chosen} period={period} /> : <Empty />;
        return <Ranking data={data} period={period} />;
      }}
    </Async>
  );
}

function Ranking(props: { data: Evaluation; period: string }) {
  const lang = getLang();
  const [sort, setSort] = useState<SortKey>({ column: 'index', descending: true });
  const [error, setError] = useState<unknown>(null);
  const columns = indicatorColumns(props.data.sites);
  const rows = sortSites(props.data.sites, sort);
  const labels = new Map<string, string>();
  for (const site of props.data.sites)
    for (const ind of indicatorsOf(site, lang)) if (ind.label) labels.set(ind.key, ind.label);

  function header(column: string, label: string, numeric = false) {
    const active = sort.column === column;
    return (
      <th
        class={numeric ? 'num sortable' : 'sortable'}
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          class="link"
          data-sort={column}
          onClick={() => setSort({ column, descending: active ? !sort.descending : column !== 'name' })}
        >
          {label} {active ? (sort.descending ? '▼' : '▲') : ''}
        </button>
      </th>
    );
  }

  async function csv(): Promise<void> {
    setError(null);
    try {
      await download(
        `/api/bureau/evaluation?format=csv&lang=${getLang() === 'en' ? 'en' : 'zh'}&period=${encodeURIComponent(props.period)}`,
        `evaluation-${props.period}.csv`,
        'text/csv',
      );
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Card
      title={t('bureau.title')}
      testId="bureau"
      actions={
        <>
          <span class="tabs">
            {PERIODS.map((p) => (
              <button
                key={p}
                type="button"
                class={props.period === p ? 'tab active' : 'tab'}
                onClick={() => navigate(href(['bureau'], { period: p }))}
              >
                {t(PERIOD_LABEL[p])}
              </button>
            ))}
          </span>
          <button type="button" class="secondary" onClick={csv}>
            {t('bureau.csv')}
          </button>
        </>
      }
    >
      <p class="muted small">{t('bureau.definitions')}</p>
      {error !== null && <ErrorBox error={error} />}
      <Highlights data={props.data} />
      {rows.length === 0 ? (
        <Empty />
      ) : (
        <div class="table-wrap">
          <table class="table ranking" data-testid="evaluation-table">
            <thead>
              <tr>
                <th>#</th>
                {header('name', t('bureau.community'))}
                {header('index', t('bureau.index'), true)}
                {header('level', t('bureau.level'))}
                {header('trend', t('bureau.trend'))}
                {columns.map((c) => header(c, labels.get(c) ?? c, true))}
                <th>{t('bureau.reasons')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((site, i) => {
                const delta = trendDelta(site);
                return (
                  <tr key={site.site} data-site={site.site}>
                    <td class="muted">{i + 1}</td>
                    <td>
                      <a href={href(['bureau', site.site], { period: props.period })}>{site.name}</a>
                    </td>
                    <td class="num index">{site.index === null ? '—' : Math.round(site.index * 10) / 10}</td>
                    <td>
                      <LevelBadge level={site.level} />
                    </td>
                    <td class="trend">
                      <LineChart points={trendOf(site)} compact width={80} height={24} />
                      {delta !== null && (
                        <span class={delta > 0 ? 'worse' : 'better'}>{delta > 0 ? `+${delta}` : delta}</span>
                      )}
                    </td>
                    {columns.map((c) => (
                      <td key={c} class="num">
                        {readIndicator(c, site.indicators?.[c], lang).text}
                      </td>
                    ))}
                    <td class="reasons small">{reasonsOf(site, lang).join('；')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function names(value: unknown, data: Evaluation): string {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list
    .map((item) => {
      const id =
        typeof item === 'string'
          ? item
          : ((item as { site?: string; name?: string }).name ?? (item as { site?: string }).site);
      return data.sites.find((s) => s.site === id)?.name ?? id ?? plainText(item);
    })
    .join('、');
}

function Highlights(props: { data: Evaluation }) {
  const worst = names(props.data.worst, props.data);
  const improved = names(props.data.improved, props.data);
  if (!worst && !improved) return null;
  return (
    <p class="highlights">
      {worst && (
        <span>
          {t('bureau.worst')}: <strong>{worst}</strong>
        </span>
      )}
      {improved && (
        <span>
          {' '}
          · {t('bureau.improved')}: <strong>{improved}</strong>
        </span>
      )}
    </p>
  );
}

function CommunityDetail(props: { site: EvaluationSite; period: string }) {
  const { site } = props;
  const lang = getLang();
  const indicators = indicatorsOf(site, lang);
  const ratios = indicators.filter(
    (i) => i.value !== null && (i.unit === '%' || i.unit === 'ratio' || /Occupancy|Rate$/.test(i.key)),
  );
  const points = trendOf(site);
  return (
    <div class="stack" data-testid="bureau-detail">
      <a href={href(['bureau'], { period: props.period })}>← {t('bureau.back')}</a>
      <Card title={site.name}>
        <div class="detail-head">
          <div>
            <span class="big-number">{site.index === null ? '—' : Math.round(site.index)}</span>
            <span class="muted"> {t('bureau.index')}</span> <LevelBadge level={site.level} />
          </div>
          <ul class="reasons-list">
            {reasonsOf(site, lang).map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      </Card>
      <div class="two-col">
        <Card title={t('bureau.trend')}>
          {points.length === 0 ? (
            <Empty />
          ) : (
            <>
              <LineChart
                points={points.map((p) => ({ ...p, label: p.x > 1e11 ? dateOnly(p.x) : String(p.x) }))}
                width={420}
                height={180}
              />
              <p class="muted small">
                {points[0] && points[0].x > 1e11 ? dateOnly(points[0].x) : ''} – {(() => {
                  const last = points[points.length - 1];
                  return last && last.x > 1e11 ? dateOnly(last.x) : '';
                })()}
              </p>
            </>
          )}
        </Card>
        <Card title={t('bureau.indicators')}>
          {ratios.length > 0 && (
            <Bars
              rows={ratios.map((i) => ({
                label: i.label ?? i.key,
                value: i.unit === '%' || (i.value ?? 0) > 1.5 ? (i.value ?? 0) / 100 : (i.value ?? 0),
                text: i.text,
              }))}
            />
          )}
          <table class="table" data-testid="indicator-table">
            <tbody>
              {indicators.map((i) => (
                <tr key={i.key}>
                  <td>{i.label ?? i.key}</td>
                  <td class="num">{i.value === null ? plainText(site.indicators?.[i.key]) : i.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      </div>
      <Card title={t('nav.reports')}>
        <ReportList siteId={site.site} />
      </Card>
    </div>
  );
}
