import type { ComponentChildren } from 'preact';
import { api, seg } from '../api/client.ts';
import { useLiveEvents } from '../api/events.ts';
import type { Page, SessionDetail, SessionRow, SiteInfo } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { SelectField, TextField, useDraft } from '../components/fields.tsx';
import { Async, Card, Empty, FeeBreakdown } from '../components/ui.tsx';
import { dateTime, duration, localInputToMs, msToLocalInput, normalisePlate, siteZone, yuan } from '../format.ts';
import { useResource, useThrottle } from '../hooks.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';
import { href, navigate, type Route } from '../router.ts';

const PAGE_SIZE = 50;
const STATUSES = ['', 'open', 'closed'];

/** A session's status; the search's empty status is any. */
function statusLabel(status: string): string {
  if (status === 'open') return t('sessions.statusOpen');
  if (status === 'closed') return t('sessions.statusClosed');
  return status === '' ? t('sessions.any') : status;
}

export function SessionsView(props: { site: SiteInfo; route: Route }) {
  const id = props.route.parts[1];
  if (id) return <SessionDetailView site={props.site} id={id} />;
  return <SessionSearch site={props.site} route={props.route} />;
}

function SessionSearch(props: { site: SiteInfo; route: Route }) {
  const zone = siteZone(props.site);
  const q = props.route.query;
  const plate = q.get('plate') ?? '';
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const status = q.get('status') ?? '';
  const offset = Number(q.get('offset') ?? 0) || 0;
  const { draft: form, field } = useDraft({
    plate,
    from: from ? msToLocalInput(Number(from), zone) : '',
    to: to ? msToLocalInput(Number(to), zone) : '',
    status,
  });

  const result = useResource(
    () =>
      api<Page<SessionRow>>(`/api/sites/${seg(props.site.id)}/sessions`, {
        query: { plate, from, to, status, limit: PAGE_SIZE, offset },
      }),
    [props.site.id, plate, from, to, status, offset],
  );
  const reload = useThrottle(result.reload, 1000);
  useLiveEvents(offset === 0 ? props.site.id : null, ['session'], reload, reload);

  function search(event: Event): void {
    event.preventDefault();
    navigate(
      href(['sessions'], {
        plate: normalisePlate(form.plate),
        from: form.from ? (localInputToMs(form.from, zone) ?? undefined) : undefined,
        to: form.to ? (localInputToMs(form.to, zone) ?? undefined) : undefined,
        status: form.status,
      }),
    );
  }

  function page(delta: number): string {
    return href(['sessions'], { plate, from, to, status, offset: Math.max(0, offset + delta) });
  }

  return (
    <Card title={t('nav.sessions')} testId="sessions">
      <form class="inline-form" onSubmit={search}>
        <TextField label={t('sessions.plate')} {...field('plate')} />
        <TextField label={t('sessions.from')} type="datetime-local" value={form.from} onValue={field('from').onValue} />
        <TextField label={t('sessions.to')} type="datetime-local" value={form.to} onValue={field('to').onValue} />
        <SelectField
          label={t('sessions.status')}
          value={form.status}
          onValue={field('status').onValue}
          options={STATUSES}
          optionLabel={statusLabel}
        />
        <button type="submit">{t('sessions.search')}</button>
      </form>
      <Async data={result.data} error={result.error} reload={result.reload}>
        {(data) => (
          <>
            <p class="muted">{t('sessions.total', { n: data.total })}</p>
            {data.items.length === 0 ? <Empty /> : <SessionTable rows={data.items} zone={zone} />}
            <div class="pager">
              {offset > 0 && <a href={page(-PAGE_SIZE)}>{t('sessions.prev')}</a>}
              {offset + PAGE_SIZE < data.total && <a href={page(PAGE_SIZE)}>{t('sessions.next')}</a>}
            </div>
          </>
        )}
      </Async>
    </Card>
  );
}

function SessionTable(props: { rows: SessionRow[]; zone: string }) {
  const lang = getLang();
  return (
    <DataTable
      testId="session-table"
      rows={props.rows}
      rowKey={(row) => row.id}
      columns={[
        {
          label: t('sessions.plate'),
          cellClass: 'plate',
          cell: (row) => (
            <>
              <a href={href(['sessions', row.id])}>{row.plate || '—'}</a>
              {row.fuzzy && <span class="badge fuzzy">{t('sessions.fuzzy')}</span>}
            </>
          ),
        },
        { label: t('sessions.entry'), cell: (row) => dateTime(row.entryAt, lang, props.zone) },
        { label: t('sessions.exit'), cell: (row) => dateTime(row.exitAt, lang, props.zone) },
        { label: t('sessions.status'), cell: (row) => statusLabel(row.status) },
        { label: t('sessions.credential'), cell: (row) => tv('kind', row.credentialKind) },
        { label: t('sessions.vehicleClass'), cell: (row) => row.vehicleClass ?? '' },
        { label: t('sessions.fee'), cell: (row) => yuan(row.feeFen), class: 'num' },
        { label: t('sessions.paid'), cell: (row) => yuan(row.paidFen), class: 'num' },
      ]}
    />
  );
}

function SessionDetailView(props: { site: SiteInfo; id: string }) {
  const zone = siteZone(props.site);
  const lang = getLang();
  const detail = useResource(
    () => api<SessionDetail>(`/api/sites/${seg(props.site.id)}/sessions/${seg(props.id)}`),
    [props.site.id, props.id],
  );
  return (
    <div class="stack">
      <a href={href(['sessions'])}>← {t('sessions.back')}</a>
      <Async data={detail.data} error={detail.error} reload={detail.reload}>
        {({ session, decisions, payments, fee }) => (
          <>
            <Card title={`${t('sessions.detail')} · ${session.plate}`} testId="session-detail">
              <dl class="facts">
                <dt>{t('sessions.entry')}</dt>
                <dd>{dateTime(session.entryAt, lang, zone)}</dd>
                <dt>{t('sessions.exit')}</dt>
                <dd>{dateTime(session.exitAt, lang, zone)}</dd>
                <dt>{t('sessions.status')}</dt>
                <dd>
                  {session.status === 'open' ? t('sessions.statusOpen') : t('sessions.statusClosed')}
                  {session.entryAt !== null &&
                    session.exitAt !== null &&
                    ` · ${duration(session.exitAt - session.entryAt, lang)}`}
                </dd>
                <dt>{t('sessions.credential')}</dt>
                <dd>{tv('kind', session.credentialKind)}</dd>
                <dt>{t('sessions.userClass')}</dt>
                <dd>{session.userClass ?? '—'}</dd>
                <dt>{t('sessions.vehicleClass')}</dt>
                <dd>{session.vehicleClass ?? '—'}</dd>
                <dt>{t('sessions.fuzzy')}</dt>
                <dd>{session.fuzzy ? '✔' : '—'}</dd>
              </dl>
            </Card>
            <Card title={t('sessions.breakdown')}>
              {fee ? (
                <FeeBreakdown items={fee.items} totalFen={fee.totalFen} paidFen={fee.paidFen} dueFen={fee.dueFen} />
              ) : (
                <Empty />
              )}
            </Card>
            <RowsCard
              title={t('sessions.decisions')}
              rows={decisions}
              cells={(d) => (
                <>
                  <td>{dateTime(d.at, lang, zone)}</td>
                  <td>
                    {d.gate ?? ''} {tv('lane', d.lane)}
                  </td>
                  <td class="plate">{d.plate}</td>
                  <td>{tv('action', d.action)}</td>
                  <td>
                    {tv('reason', d.reasonCode ?? d.reason)} <span class="code muted">{d.reasonCode ?? d.reason}</span>
                  </td>
                  <td class="muted">{d.displayText ?? ''}</td>
                </>
              )}
            />
            <RowsCard
              title={t('sessions.payments')}
              rows={payments}
              cells={(p) => (
                <>
                  <td>{dateTime(p.at, lang, zone)}</td>
                  <td>{p.method ?? ''}</td>
                  <td>{p.terminalId ?? ''}</td>
                  <td class="num">{yuan(p.amountFen)}</td>
                </>
              )}
            />
          </>
        )}
      </Async>
    </div>
  );
}

/** A card of rows without headers (the card's title says what they are), keyed by their id when they have one. */
function RowsCard<T extends { id?: string | number | undefined }>(props: {
  title: string;
  rows: T[];
  cells: (row: T) => ComponentChildren;
}) {
  return (
    <Card title={props.title}>
      {props.rows.length === 0 ? (
        <Empty />
      ) : (
        <table class="table">
          <tbody>
            {props.rows.map((row, i) => (
              <tr key={row.id ?? i}>{props.cells(row)}</tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
