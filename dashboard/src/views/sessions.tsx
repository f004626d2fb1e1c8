import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import { useLiveEvents } from '../api/events.ts';
import type { Page, SessionDetail, SessionRow, SiteInfo } from '../api/types.ts';
import { Async, Card, Empty, FeeBreakdown } from '../components/ui.tsx';
import { dateTime, duration, localInputToMs, msToLocalInput, normalisePlate, yuan } from '../format.ts';
import { useResource, useThrottle } from '../hooks.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';
import { href, navigate, type Route } from '../router.ts';

const PAGE_SIZE = 50;

export function SessionsView(props: { site: SiteInfo; route: Route }) {
  const id = props.route.parts[1];
  if (id) return <SessionDetailView site={props.site} id={id} />;
  return <SessionSearch site={props.site} route={props.route} />;
}

function SessionSearch(props: { site: SiteInfo; route: Route }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const q = props.route.query;
  const plate = q.get('plate') ?? '';
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const status = q.get('status') ?? '';
  const offset = Number(q.get('offset') ?? 0) || 0;
  const [form, setForm] = useState({
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
        <label>
          {t('sessions.plate')}
          <input name="plate" value={form.plate} onInput={(e) => setForm({ ...form, plate: e.currentTarget.value })} />
        </label>
        <label>
          {t('sessions.from')}
          <input
            type="datetime-local"
            value={form.from}
            onInput={(e) => setForm({ ...form, from: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('sessions.to')}
          <input
            type="datetime-local"
            value={form.to}
            onInput={(e) => setForm({ ...form, to: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('sessions.status')}
          <select value={form.status} onChange={(e) => setForm({ ...form, status: e.currentTarget.value })}>
            <option value="">{t('sessions.any')}</option>
            <option value="open">{t('sessions.statusOpen')}</option>
            <option value="closed">{t('sessions.statusClosed')}</option>
          </select>
        </label>
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
    <div class="table-wrap">
      <table class="table" data-testid="session-table">
        <thead>
          <tr>
            <th>{t('sessions.plate')}</th>
            <th>{t('sessions.entry')}</th>
            <th>{t('sessions.exit')}</th>
            <th>{t('sessions.status')}</th>
            <th>{t('sessions.credential')}</th>
            <th>{t('sessions.vehicleClass')}</th>
            <th class="num">{t('sessions.fee')}</th>
            <th class="num">{t('sessions.paid')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.id}>
              <td class="plate">
                <a href={href(['sessions', row.id])}>{row.plate || '—'}</a>
                {row.fuzzy && <span class="badge fuzzy">{t('sessions.fuzzy')}</span>}
              </td>
              <td>{dateTime(row.entryAt, lang, props.zone)}</td>
              <td>{dateTime(row.exitAt, lang, props.zone)}</td>
              <td>
                {row.status === 'open'
                  ? t('sessions.statusOpen')
                  : row.status === 'closed'
                    ? t('sessions.statusClosed')
                    : row.status}
              </td>
              <td>{tv('kind', row.credentialKind)}</td>
              <td>{row.vehicleClass ?? ''}</td>
              <td class="num">{yuan(row.feeFen)}</td>
              <td class="num">{yuan(row.paidFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SessionDetailView(props: { site: SiteInfo; id: string }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
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
            <Card title={t('sessions.decisions')}>
              {decisions.length === 0 ? (
                <Empty />
              ) : (
                <table class="table">
                  <tbody>
                    {decisions.map((d, i) => (
                      <tr key={d.id ?? i}>
                        <td>{dateTime(d.at, lang, zone)}</td>
                        <td>
                          {d.gate ?? ''} {tv('lane', d.lane)}
                        </td>
                        <td class="plate">{d.plate}</td>
                        <td>{tv('action', d.action)}</td>
                        <td>
                          {tv('reason', d.reasonCode ?? d.reason)}{' '}
                          <span class="code muted">{d.reasonCode ?? d.reason}</span>
                        </td>
                        <td class="muted">{d.displayText ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
            <Card title={t('sessions.payments')}>
              {payments.length === 0 ? (
                <Empty />
              ) : (
                <table class="table">
                  <tbody>
                    {payments.map((p, i) => (
                      <tr key={p.id ?? i}>
                        <td>{dateTime(p.at, lang, zone)}</td>
                        <td>{p.method ?? ''}</td>
                        <td>{p.terminalId ?? ''}</td>
                        <td class="num">{yuan(p.amountFen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
          </>
        )}
      </Async>
    </div>
  );
}
