import { useState } from 'preact/hooks';
import { api, apiText, download, seg } from '../api/client.ts';
import type { ReportRow, SiteInfo } from '../api/types.ts';
import { act } from '../components/act.ts';
import { type Column, DataTable } from '../components/data-table.tsx';
import { MaybeError } from '../components/fields.tsx';
import { Async, Card, LevelBadge } from '../components/ui.tsx';
import { dateOnly, dateTime } from '../format.ts';
import { useResource } from '../hooks.ts';
import { getLang, type MessageKey, t } from '../i18n/i18n.ts';

const PERIODS: { value: string; aliases: string[]; label: MessageKey }[] = [
  { value: 'daily', aliases: ['daily', 'day'], label: 'reports.daily' },
  { value: 'weekly', aliases: ['weekly', 'week'], label: 'reports.weekly' },
  { value: 'monthly', aliases: ['monthly', 'month'], label: 'reports.monthly' },
];

function periodLabel(period: string): string {
  const found = PERIODS.find((p) => p.aliases.includes(period));
  return found ? t(found.label) : period;
}

export function ReportsView(props: { site: SiteInfo }) {
  return (
    <Card title={`${t('nav.reports')} · ${props.site.name}`} testId="reports">
      <ReportList siteId={props.site.id} timeZone={props.site.timeZone} />
    </Card>
  );
}

/** Reports of one site: list per period, view the printable HTML in place, download CSV or JSON. */
export function ReportList(props: { siteId: string; timeZone?: string | undefined }) {
  const zone = props.timeZone ?? 'Asia/Shanghai';
  const [period, setPeriod] = useState('');
  const base = `/api/sites/${seg(props.siteId)}/reports`;
  // The list is fetched whole and filtered here: the period names differ between the HTTP query and the payloads.
  const reports = useResource(() => api<ReportRow[] | { items: ReportRow[] }>(base), [base]);
  const [viewing, setViewing] = useState<{ row: ReportRow; html: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const lang = getLang();
  const columns: Column<ReportRow>[] = [
    { label: t('reports.period'), cell: (row) => periodLabel(row.period) },
    { label: t('reports.start'), cell: (row) => dateOnly(row.start, zone) },
    { label: t('reports.end'), cell: (row) => dateOnly(row.end - 1, zone) },
    {
      label: t('reports.index'),
      cell: (row) => (row.index === null ? '—' : Math.round(row.index * 10) / 10),
      class: 'num',
    },
    { label: t('reports.level'), cell: (row) => <LevelBadge level={row.level} /> },
    { label: t('reports.generated'), cell: (row) => dateTime(row.generatedAt, lang, zone), cellClass: 'muted small' },
  ];

  const file = (row: ReportRow, ext: string) =>
    `${base}/${seg(row.period)}/${row.start}.${ext}?lang=${lang === 'en' ? 'en' : 'zh'}`;
  const name = (row: ReportRow, ext: string) =>
    `report-${props.siteId}-${row.period}-${dateOnly(row.start, zone)}.${ext}`;

  async function view(row: ReportRow): Promise<void> {
    setError(null);
    try {
      setViewing({ row, html: await apiText(file(row, 'html'), 'text/html') });
    } catch (e) {
      setError(e);
    }
  }

  async function save(row: ReportRow, ext: 'csv' | 'json'): Promise<void> {
    setError(null);
    try {
      await download(file(row, ext), name(row, ext), ext === 'csv' ? 'text/csv' : 'application/json');
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div>
      <div class="tabs">
        <button type="button" class={period === '' ? 'tab active' : 'tab'} onClick={() => setPeriod('')}>
          {t('sessions.any')}
        </button>
        {PERIODS.map((p) => (
          <button
            key={p.value}
            type="button"
            class={period === p.value ? 'tab active' : 'tab'}
            onClick={() => setPeriod(p.value)}
          >
            {t(p.label)}
          </button>
        ))}
      </div>
      <MaybeError error={error} />
      <Async data={reports.data} error={reports.error} reload={reports.reload}>
        {(data) => {
          const all = Array.isArray(data) ? data : data.items;
          const aliases = PERIODS.find((p) => p.value === period)?.aliases;
          const rows = [...all].filter((r) => !aliases || aliases.includes(r.period)).sort((a, b) => b.start - a.start);
          return (
            <DataTable
              testId="report-table"
              rows={rows}
              rowKey={(row) => `${row.period}-${row.start}`}
              columns={columns}
              actions={(row) => (
                <>
                  <button
                    type="button"
                    class="link"
                    data-action="view-report"
                    onClick={act('opening the report', () => view(row))}
                  >
                    {t('reports.view')}
                  </button>
                  <button type="button" class="link" onClick={act('CSV download', () => save(row, 'csv'))}>
                    CSV
                  </button>
                  <button type="button" class="link" onClick={act('JSON download', () => save(row, 'json'))}>
                    JSON
                  </button>
                </>
              )}
            />
          );
        }}
      </Async>
      {viewing && (
        <div class="report-frame" data-testid="report-frame">
          <div class="report-frame-head">
            <strong>
              {periodLabel(viewing.row.period)} · {dateOnly(viewing.row.start, zone)}
            </strong>
            <button type="button" class="link" onClick={() => setViewing(null)}>
              {t('reports.close')}
            </button>
          </div>
          {/* The report is our own HTML but it is shown sandboxed: no scripts, no access to the token. */}
          <iframe title="report" sandbox="" srcdoc={viewing.html} />
        </div>
      )}
    </div>
  );
}
