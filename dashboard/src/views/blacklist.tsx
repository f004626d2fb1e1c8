import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { BlacklistEntry, BlacklistInput, SiteInfo } from '../api/types.ts';
import { CsvImport, RegistryList, registryPath, useRegistry, useSubmit } from '../components/registry.tsx';
import { ErrorBox } from '../components/ui.tsx';
import { dateTime, localInputToMs, normalisePlate } from '../format.ts';
import { getLang, t } from '../i18n/i18n.ts';

/** The blacklist (黑名单): plates denied at entry, until a date or until removed. */
export function BlacklistView(props: { site: SiteInfo; canAct: boolean; username: string }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const path = registryPath(props.site.id, 'blacklist');
  const [q, setQ] = useState('');
  const list = useRegistry<BlacklistEntry>(props.site.id, 'blacklist', q);
  const [draft, setDraft] = useState({ plate: '', reason: '', until: '' });
  const lang = getLang();

  const { submit, error } = useSubmit(async function add() {
    const body: BlacklistInput = {
      plate: normalisePlate(draft.plate),
      reason: draft.reason.trim(),
      addedBy: props.username,
    };
    if (draft.until) {
      const until = localInputToMs(`${draft.until}T00:00`, zone);
      if (until !== null) body.until = until;
    }
    await api(path, { method: 'POST', json: body });
    setDraft({ plate: '', reason: '', until: '' });
    list.reload();
  });

  return (
    <div class="stack">
      <RegistryList
        title={t('nav.blacklist')}
        testId="blacklist"
        list={list}
        q={q}
        onQ={setQ}
        rowKey={(b) => b.plate}
        canAct={props.canAct}
        onDelete={(b) => api(`${path}/${seg(b.plate)}`, { method: 'DELETE' })}
        columns={[
          { label: t('vehicles.plate'), cell: (b) => b.plate, class: 'plate' },
          { label: t('blacklist.reason'), cell: (b) => b.reason },
          {
            label: t('blacklist.until'),
            cell: (b) => (b.until === undefined ? t('blacklist.untilRemoved') : dateTime(b.until, lang, zone)),
          },
          { label: t('blacklist.addedBy'), cell: (b) => b.addedBy ?? '' },
        ]}
      >
        {props.canAct && (
          <form class="inline-form" onSubmit={submit} data-testid="blacklist-form">
            <label>
              {t('vehicles.plate')}
              <input
                name="plate"
                required
                value={draft.plate}
                onInput={(e) => setDraft({ ...draft, plate: e.currentTarget.value })}
              />
            </label>
            <label class="grow">
              {t('blacklist.reason')}
              <input
                name="reason"
                required
                value={draft.reason}
                onInput={(e) => setDraft({ ...draft, reason: e.currentTarget.value })}
              />
            </label>
            <label>
              {t('blacklist.until')}
              <input
                type="date"
                name="until"
                value={draft.until}
                onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })}
              />
            </label>
            <button type="submit">{t('blacklist.add')}</button>
          </form>
        )}
        {error !== null && <ErrorBox error={error} />}
      </RegistryList>
      {props.canAct && <CsvImport path={`${path}/import`} help="blacklist.importHelp" onDone={list.reload} />}
    </div>
  );
}
