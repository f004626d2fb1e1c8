import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { BlacklistEntry, SiteInfo } from '../api/types.ts';
import { Async, Card, Empty, ErrorBox } from '../components/ui.tsx';
import { dateTime, normalisePlate } from '../format.ts';
import { useResource } from '../hooks.ts';
import { getLang, t } from '../i18n/i18n.ts';

export function BlacklistView(props: { site: SiteInfo; canAct: boolean }) {
  const path = `/api/sites/${seg(props.site.id)}/blacklist`;
  const list = useResource(() => api<BlacklistEntry[] | { items: BlacklistEntry[] }>(path), [path]);
  const [plate, setPlate] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function add(event: Event): Promise<void> {
    event.preventDefault();
    setError(null);
    try {
      await api(path, { method: 'POST', json: { plate: normalisePlate(plate), reason } });
      setPlate('');
      setReason('');
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function remove(entry: string): Promise<void> {
    await api(`${path}/${seg(entry)}`, { method: 'DELETE' });
    list.reload();
  }

  return (
    <Card title={t('nav.blacklist')} testId="blacklist">
      {props.canAct && (
        <form class="inline-form" onSubmit={add}>
          <label>
            {t('vehicles.plate')}
            <input required value={plate} onInput={(e) => setPlate(e.currentTarget.value)} />
          </label>
          <label>
            {t('blacklist.reason')}
            <input required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <button type="submit">{t('blacklist.add')}</button>
        </form>
      )}
      {error !== null && <ErrorBox error={error} />}
      <Async data={list.data} error={list.error} reload={list.reload}>
        {(data) => {
          const rows = Array.isArray(data) ? data : data.items;
          if (rows.length === 0) return <Empty />;
          return (
            <table class="table">
              <thead>
                <tr>
                  <th>{t('vehicles.plate')}</th>
                  <th>{t('blacklist.reason')}</th>
                  <th>{t('blacklist.addedAt')}</th>
                  {props.canAct && <th />}
                </tr>
              </thead>
              <tbody>
                {rows.map((b) => (
                  <tr key={b.plate}>
                    <td class="plate">{b.plate}</td>
                    <td>{b.reason ?? ''}</td>
                    <td>{dateTime(b.addedAt ?? b.at, getLang())}</td>
                    {props.canAct && (
                      <td>
                        <button type="button" class="link danger" onClick={() => remove(b.plate)}>
                          {t('blacklist.remove')}
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
  );
}
