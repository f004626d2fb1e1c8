import { api } from '../api/client.ts';
import type { BlacklistEntry, BlacklistInput, SiteInfo } from '../api/types.ts';
import { CsvImport } from '../components/csv-import.tsx';
import { MaybeError, TextField, useDraft, useSubmit } from '../components/fields.tsx';
import { RegistryList, useRegistry } from '../components/registry.tsx';
import { dateTime, localInputToMs, normalisePlate, siteZone } from '../format.ts';
import { getLang, t } from '../i18n/i18n.ts';

const EMPTY = { plate: '', reason: '', until: '' };

/** The blacklist (黑名单): plates denied at entry, until a date or until removed. */
export function BlacklistView(props: { site: SiteInfo; canAct: boolean; username: string }) {
  const zone = siteZone(props.site);
  const blacklist = useRegistry<BlacklistEntry>(props.site.id, 'blacklist', (b) => b.plate);
  const { draft, setDraft, field } = useDraft(EMPTY);
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
    await api(blacklist.path, { method: 'POST', json: body });
    setDraft(EMPTY);
    blacklist.list.reload();
  });

  return (
    <div class="stack">
      <RegistryList
        title={t('nav.blacklist')}
        testId="blacklist"
        registry={blacklist}
        canAct={props.canAct}
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
            <TextField label={t('vehicles.plate')} required {...field('plate')} />
            <TextField label={t('blacklist.reason')} class="grow" required {...field('reason')} />
            <TextField label={t('blacklist.until')} type="date" {...field('until')} />
            <button type="submit">{t('blacklist.add')}</button>
          </form>
        )}
        <MaybeError error={error} />
      </RegistryList>
      {props.canAct && (
        <CsvImport path={`${blacklist.path}/import`} help="blacklist.importHelp" onDone={blacklist.list.reload} />
      )}
    </div>
  );
}
