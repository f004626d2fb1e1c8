import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { SiteInfo, Visitor } from '../api/types.ts';
import { Async, Card, Empty, ErrorBox } from '../components/ui.tsx';
import { dateTime, localInputToMs, msToLocalInput, normalisePlate } from '../format.ts';
import { useResource } from '../hooks.ts';
import { getLang, t } from '../i18n/i18n.ts';

/** Visitor pre-registration (访客预登记): a plate admitted within a time window. */
export function VisitorsView(props: { site: SiteInfo; canAct: boolean }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const path = `/api/sites/${seg(props.site.id)}/visitors`;
  const list = useResource(() => api<Visitor[] | { items: Visitor[] }>(path), [path]);
  const now = Date.now();
  const [draft, setDraft] = useState({
    plate: '',
    name: '',
    host: '',
    from: msToLocalInput(now, zone),
    to: msToLocalInput(now + 4 * 3_600_000, zone),
  });
  const [error, setError] = useState<unknown>(null);

  async function register(event: Event): Promise<void> {
    event.preventDefault();
    setError(null);
    try {
      await api(path, {
        method: 'POST',
        json: {
          plate: normalisePlate(draft.plate),
          name: draft.name || null,
          host: draft.host || null,
          from: localInputToMs(draft.from, zone),
          to: localInputToMs(draft.to, zone),
        },
      });
      setDraft({ ...draft, plate: '', name: '' });
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function remove(id: string): Promise<void> {
    await api(`${path}/${seg(id)}`, { method: 'DELETE' });
    list.reload();
  }

  const lang = getLang();
  return (
    <div class="stack">
      {props.canAct && (
        <Card title={t('visitors.add')} testId="visitor-form">
          <form class="inline-form" onSubmit={register}>
            <label>
              {t('vehicles.plate')}
              <input
                required
                value={draft.plate}
                onInput={(e) => setDraft({ ...draft, plate: e.currentTarget.value })}
              />
            </label>
            <label>
              {t('visitors.name')}
              <input value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
            </label>
            <label>
              {t('visitors.host')}
              <input value={draft.host} onInput={(e) => setDraft({ ...draft, host: e.currentTarget.value })} />
            </label>
            <label>
              {t('visitors.from')}
              <input
                type="datetime-local"
                required
                value={draft.from}
                onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
              />
            </label>
            <label>
              {t('visitors.to')}
              <input
                type="datetime-local"
                required
                value={draft.to}
                onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
              />
            </label>
            <button type="submit">{t('visitors.register')}</button>
          </form>
          {error !== null && <ErrorBox error={error} />}
        </Card>
      )}
      <Card title={t('nav.visitors')}>
        <Async data={list.data} error={list.error} reload={list.reload}>
          {(data) => {
            const rows = Array.isArray(data) ? data : data.items;
            if (rows.length === 0) return <Empty />;
            return (
              <table class="table" data-testid="visitor-table">
                <thead>
                  <tr>
                    <th>{t('vehicles.plate')}</th>
                    <th>{t('visitors.name')}</th>
                    <th>{t('visitors.host')}</th>
                    <th>{t('visitors.from')}</th>
                    <th>{t('visitors.to')}</th>
                    {props.canAct && <th />}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((v) => (
                    <tr key={v.id}>
                      <td class="plate">{v.plate}</td>
                      <td>{v.name ?? ''}</td>
                      <td>{v.host ?? v.household ?? ''}</td>
                      <td>{dateTime(v.from, lang, zone)}</td>
                      <td>{dateTime(v.to, lang, zone)}</td>
                      {props.canAct && (
                        <td>
                          <button type="button" class="link danger" onClick={() => remove(v.id)}>
                            {t('vehicles.delete')}
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          }}
        </Async>
      </Card>
    </div>
  );
}
