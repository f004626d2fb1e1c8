import { useState } from 'preact/hooks';
import { api, download } from '../api/client.ts';
import type { BureauRow, BureauView as Evaluation, IndicatorDefinitions } from '../api/types.ts';
import { act } from '../components/act.ts';
import { LineChart, TrendChart } from '../components/charts.tsx';
import { Async, Card, Empty, ErrorBox, LevelBadge } from '../components/ui.tsx';
import {
  FIGURES,
  type FigureKey,
  figureLabel,
  figureText,
  formulaText,
  indexText,
  RANKING_FIGURES,
  reasonText,
  type SortKey,
  sortRows,
  trendSeries,
  unitText,
} from '../evaluation.ts';
import { dateOnly } from '../format.ts';
import { useResource } from '../hooks.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';
import { href, navigate, type Route } from '../router.ts';
import { ReportList } from './reports.tsx';

const PERIODS = ['daily', 'weekly', 'monthly'] as const;
const PERIOD_LABEL = { monthly: 'reports.monthly', weekly: 'reports.weekly', daily: 'reports.daily' } as const;

function label(key: FigureKey, defs: IndicatorDefinitions | undefined): string {
  return figureLabel(key, defs, getLang()) ?? tv('figure', key);
}

/** The bureau's view: every community ranked by the difficulty index, with its level, reasons and trend; drill down. */
export function BureauView(props: { route: Route }) {
  const period = props.route.query.get('period') ?? 'daily';
  const evaluation = useResource(() => api<Evaluation>('/api/bureau/evaluation', { query: { period } }), [period]);
  const definitions = useResource(
    () => api<IndicatorDefinitions>('/api/indicators/definitions', { anonymous: true }),
    [],
  );
  const drill = props.route.parts[1];
  return (
    <Async data={evaluation.data} error={evaluation.error} reload={evaluation.reload}>
      {(data) => {
        const defs = definitions.data;
        if (drill) {
          const row = data.ranking.find((r) => r.site === drill);
          return row ? <CommunityDetail row={row} period={period} defs={defs} /> : <Empty />;
        }
        return <Ranking data={data} period={period} defs={defs} />;
      }}
    </Async>
  );
}

function Delta(props: { value: number | null }) {
  if (props.value === null) return null;
  const rounded = Math.round(props.value * 10) / 10;
  // A higher index is harder to park: up is worse.
  return (
    <span class={rounded > 0 ? 'worse' : rounded < 0 ? 'better' : 'muted'} title={t('bureau.delta')}>
      {rounded > 0 ? `▲${rounded}` : rounded < 0 ? `▼${-rounded}` : '±0'}
    </span>
  );
}

function Ranking(props: { data: Evaluation; period: string; defs: IndicatorDefinitions | undefined }) {
  const lang = getLang();
  const { defs } = props;
  const [sort, setSort] = useState<SortKey>({ column: 'index', descending: true });
  const [error, setError] = useState<unknown>(null);
  const rows = sortRows(props.data.ranking, sort);

  function header(column: string, text: string, numeric = false, title = '') {
    const active = sort.column === column;
    return (
      <th
        class={numeric ? 'num sortable' : 'sortable'}
        title={title || undefined}
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          class="link"
          data-sort={column}
          onClick={() => setSort({ column, descending: active ? !sort.descending : column !== 'name' })}
        >
          {text} {active ? (sort.descending ? '▼' : '▲') : ''}
        </button>
      </th>
    );
  }

  async function csv(): Promise<void> {
    setError(null);
    try {
      await download(
        `/api/bureau/evaluation?format=csv&lang=${lang === 'en' ? 'en' : 'zh'}&period=${encodeURIComponent(props.period)}`,
        `evaluation-${props.period}.csv`,
        'text/csv',
      );
    } catch (e) {
      setError(e);
    }
  }

  const names = (list: BureauRow[]) => list.map((r) => r.siteName).join('、');
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
          <button type="button" class="secondary" onClick={act('CSV download', csv)}>
            {t('bureau.csv')}
          </button>
        </>
      }
    >
      <p class="muted small">
        {t('bureau.definitions')}
        {props.data.start !== null && ` · ${t('bureau.periodStart')} ${dateOnly(props.data.start)}`}
      </p>
      {error !== null && <ErrorBox error={error} />}
      {(props.data.worst.length > 0 || props.data.mostImproved.length > 0) && (
        <p class="highlights" data-testid="highlights">
          {props.data.worst.length > 0 && (
            <span>
              {t('bureau.worst')}: <strong>{names(props.data.worst)}</strong>
            </span>
          )}
          {props.data.mostImproved.length > 0 && (
            <span>
              {' '}
              · {t('bureau.improved')}: <strong>{names(props.data.mostImproved)}</strong>
            </span>
          )}
        </p>
      )}
      {rows.length === 0 ? (
        <Empty />
      ) : (
        <div class="table-wrap">
          <table class="table ranking" data-testid="evaluation-table">
            <thead>
              <tr>
                <th>#</th>
                {header('name', t('bureau.community'))}
                {header('index', t('bureau.index'), true, formulaText('difficultyIndex', defs, lang))}
                {header('level', t('bureau.level'))}
                {header('delta', t('bureau.trend'))}
                {RANKING_FIGURES.map((key) => header(key, label(key, defs), true, formulaText(key, defs, lang)))}
                <th>{t('bureau.reasons')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.site} data-site={row.site}>
                  <td class="muted">{row.rank}</td>
                  <td>
                    <a href={href(['bureau', row.site], { period: props.period })}>{row.siteName}</a>
                  </td>
                  <td class="num index">{indexText(row.index)}</td>
                  <td>
                    <LevelBadge level={row.level} />
                  </td>
                  <td data-testid="trend-cell">
                    <div class="trend">
                      <LineChart
                        points={trendSeries(row).index.points}
                        compact
                        width={80}
                        height={24}
                        label={row.trend.map((p) => indexText(p.index)).join(' → ')}
                      />
                      <Delta value={row.delta.index} />
                    </div>
                  </td>
                  {RANKING_FIGURES.map((key) => (
                    <td key={key} class="num" title={formulaText(key, defs, lang)}>
                      {figureText(key, row.figures[key], defs, lang)}
                    </td>
                  ))}
                  <td class="reasons small">{reasonText(row, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Definitions defs={defs} keys={['difficultyIndex', ...RANKING_FIGURES]} />
    </Card>
  );
}

/** The definitions behind the numbers (DESIGN §4): formula of each figure, the index's weights and its levels. */
function Definitions(props: { defs: IndicatorDefinitions | undefined; keys: string[] }) {
  const { defs } = props;
  if (!defs) return null;
  const lang = getLang();
  const en = lang === 'en';
  return (
    <details class="definitions" data-testid="definitions">
      <summary>{t('bureau.allDefinitions')}</summary>
      <dl>
        {props.keys.map((key) => {
          const def = defs.indicators[key];
          if (!def) return null;
          const unit = unitText(def.unit, lang);
          return (
            <div key={key}>
              <dt>
                {en ? def.en : def.zh}
                {unit && <span class="muted"> ({unit})</span>}
              </dt>
              <dd>{en ? def.formulaEn : def.formulaZh}</dd>
            </div>
          );
        })}
      </dl>
      <h3>{t('bureau.components')}</h3>
      <table class="table compact">
        <tbody>
          {defs.index.components.map((c) => (
            <tr key={c.key}>
              <td>{en ? c.en : c.zh}</td>
              <td class="num">{Math.round(c.weight * 100)}%</td>
              <td class="num muted">
                {c.zero} → {c.full}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('bureau.levelsTitle')}</h3>
      <p>
        {defs.index.levels.map((level) => (
          <span key={level.key} class="level-def">
            <LevelBadge level={level.key} /> {t('bureau.fromScore', { n: level.from })}{' '}
          </span>
        ))}
      </p>
    </details>
  );
}

function CommunityDetail(props: { row: BureauRow; period: string; defs: IndicatorDefinitions | undefined }) {
  const { row, defs } = props;
  const lang = getLang();
  const series = trendSeries(row);
  const day = (x: number) => dateOnly(x);
  return (
    <div class="stack" data-testid="bureau-detail">
      <a href={href(['bureau'], { period: props.period })}>← {t('bureau.back')}</a>
      <Card title={row.siteName}>
        <div class="detail-head">
          <div title={formulaText('difficultyIndex', defs, lang)}>
            <span class="big-number" data-testid="detail-index">
              {indexText(row.index)}
            </span>
            <span class="muted"> {t('bureau.index')}</span> <LevelBadge level={row.level} />{' '}
            <Delta value={row.delta.index} />
            {row.index === null && <p class="muted small">{t('bureau.noIndex')}</p>}
          </div>
          <p class="reasons-list">{reasonText(row, lang)}</p>
        </div>
      </Card>
      <div class="two-col">
        <Card title={t('bureau.trend')} testId="bureau-trend">
          {row.trend.length === 0 ? (
            <Empty />
          ) : (
            <div class="stack">
              <h3 class="chart-title">{t('bureau.trendIndex')}</h3>
              <TrendChart
                testId="trend-index"
                series={[{ name: t('bureau.trendIndex'), points: series.index.points }]}
                max={100}
                xLabel={day}
                empty={t('app.empty')}
              />
              <h3 class="chart-title">{t('bureau.trendOccupancy')}</h3>
              <TrendChart
                testId="trend-occupancy"
                series={[
                  { name: label('meanOccupancy', defs), points: series.mean.points },
                  { name: label('peakOccupancy', defs), points: series.peak.points },
                ]}
                max={100}
                unit="%"
                xLabel={day}
                empty={t('app.empty')}
              />
              <h3 class="chart-title">{t('bureau.trendSaturation')}</h3>
              <TrendChart
                testId="trend-saturation"
                series={[{ name: label('saturationHours', defs), points: series.saturation.points }]}
                unit={` ${unitText('h', lang)}`}
                xLabel={day}
                empty={t('app.empty')}
              />
            </div>
          )}
        </Card>
        <Card title={t('bureau.indicators')}>
          <table class="table figures" data-testid="indicator-table">
            <tbody>
              {FIGURES.map((key) => {
                const formula = formulaText(key, defs, lang);
                return (
                  <tr key={key} data-figure={key}>
                    <td>
                      {label(key, defs)}
                      {formula && <div class="formula muted small">{formula}</div>}
                    </td>
                    <td class="num">{figureText(key, row.figures[key], defs, lang)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Card>
      </div>
      <Card title={t('nav.reports')}>
        <ReportList siteId={row.site} />
      </Card>
    </div>
  );
}
