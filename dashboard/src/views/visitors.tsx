import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import { useGatewayTime } from '../api/gateway-time.ts';
import type { SiteInfo, Visitor } from '../api/types.ts';
import {
  CsvImport,
  HouseholdPicker,
  newId,
  RegistryList,
  registryPath,
  useHouseholds,
  useRegistry,
  useSubmit,
} from '../components/registry.tsx';
import { ErrorBox } from '../components/ui.tsx';
import { dateTime, localInputToMs, msToLocalInput, normalisePlate } from '../format.ts';
import { getLang, t } from '../i18n/i18n.ts';

const HOUR = 3_600_000;

const EMPTY = { plate: '', host: '', note: '', from: '', to: '' };

/** Visitor pre-registration (访客预登记): a plate admitted within a time window, visiting a household. */
export function VisitorsView(props: { site: SiteInfo; canAct: boolean; username: string }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const path = registryPath(props.site.id, 'visitors');
  const [q, setQ] = useState('');
  const list = useRegistry<Visitor>(props.site.id, 'visitors', q);
  const households = useHouseholds(props.site.id);
  const rooms = new Map((households.data?.items ?? []).map((h) => [h.id, h.room]));
  const [draft, setDraft] = useState(EMPTY);
  // Until the user picks times, the window starts at the gateway's "now" (its clock may outrun the browser's).
  const now = Math.floor((useGatewayTime() ?? Date.now()) / 60_000) * 60_000;
  const from = draft.from || msToLocalInput(now, zone);
  const to = draft.to || msToLocalInput(now + 4 * HOUR, zone);
  const lang = getLang();

  const { submit, error } = useSubmit(async function register() {
    const validFrom = localInputToMs(from, zone);
    const validTo = localInputToMs(to, zone);
    if (validFrom === null || validTo === null) throw new Error(t('passes.badDates'));
    await api(path, {
      method: 'POST',
      json: {
        id: newId('visit'),
        plate: normalisePlate(draft.plate),
        host: draft.host,
        validFrom,
        validTo,
        createdBy: props.username,
        ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
      },
    });
    setDraft({ ...EMPTY, host: draft.host });
    list.reload();
  });

  return (
    <div class="stack">
      {props.canAct && (
        <section class="card" data-testid="visitor-form">
          <header class="card-head">
            <h2>{t('visitors.add')}</h2>
          </header>
          <form class="edit-form" onSubmit={submit}>
            <label>
              {t('vehicles.plate')}
              <input
                name="plate"
                required
                value={draft.plate}
                onInput={(e) => setDraft({ ...draft, plate: e.currentTarget.value })}
              />
            </label>
            <HouseholdPicker
              households={households}
              name="host"
              label={t('visitors.host')}
              value={draft.host}
              onChange={(host) => setDraft({ ...draft, host })}
            />
            <label>
              {t('visitors.from')}
              <input
                type="datetime-local"
                name="from"
                required
                value={from}
                onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
              />
            </label>
            <label>
              {t('visitors.to')}
              <input
                type="datetime-local"
                name="to"
                required
                value={to}
                onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
              />
            </label>
            <label>
              {t('vehicles.note')}
              <input
                name="note"
                value={draft.note}
                onInput={(e) => setDraft({ ...draft, note: e.currentTarget.value })}
              />
            </label>
            <div class="form-actions">
              <button type="submit">{t('visitors.register')}</button>
            </div>
            {error !== null && <ErrorBox error={error} />}
          </form>
        </section>
      )}
      <RegistryList
        title={t('nav.visitors')}
        testId="visitors"
        list={list}
        q={q}
        onQ={setQ}
        rowKey={(v) => v.id}
        canAct={props.canAct}
        onDelete={(v) => api(`${path}/${seg(v.id)}`, { method: 'DELETE' })}
        columns={[
          { label: t('vehicles.plate'), cell: (v) => v.plate, class: 'plate' },
          { label: t('visitors.host'), cell: (v) => rooms.get(v.host) ?? v.host },
          { label: t('visitors.from'), cell: (v) => dateTime(v.validFrom, lang, zone) },
          { label: t('visitors.to'), cell: (v) => dateTime(v.validTo, lang, zone) },
          { label: t('visitors.createdBy'), cell: (v) => v.createdBy },
          { label: t('vehicles.note'), cell: (v) => v.note ?? '', class: 'muted small' },
        ]}
      />
      {props.canAct && <CsvImport path={`${path}/import`} help="visitors.importHelp" onDone={list.reload} />}
    </div>
  );
}
