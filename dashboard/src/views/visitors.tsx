import { api } from '../api/client.ts';
import { useGatewayNow } from '../api/gateway-time.ts';
import type { SiteInfo, Visitor } from '../api/types.ts';
import { CsvImport } from '../components/csv-import.tsx';
import { EditForm, TextField, useDraft } from '../components/fields.tsx';
import { HouseholdPicker, newId, RegistryList, roomsOf, useHouseholds, useRegistry } from '../components/registry.tsx';
import { Card } from '../components/ui.tsx';
import { dateTime, localInputToMs, msToLocalInput, normalisePlate, siteZone } from '../format.ts';
import { getLang, t } from '../i18n/i18n.ts';

const HOUR = 3_600_000;

const EMPTY = { plate: '', host: '', note: '', from: '', to: '' };

/** Visitor pre-registration (访客预登记): a plate admitted within a time window, visiting a household. */
export function VisitorsView(props: { site: SiteInfo; canAct: boolean; username: string }) {
  const zone = siteZone(props.site);
  const visitors = useRegistry<Visitor>(props.site.id, 'visitors', (v) => v.id);
  const households = useHouseholds(props.site.id);
  const rooms = roomsOf(households);
  const { draft, setDraft, field } = useDraft(EMPTY);
  // Until the user picks times, the window starts at the gateway's "now" (its clock may outrun the browser's).
  const now = Math.floor(useGatewayNow() / 60_000) * 60_000;
  const from = draft.from || msToLocalInput(now, zone);
  const to = draft.to || msToLocalInput(now + 4 * HOUR, zone);
  const lang = getLang();

  async function register(): Promise<void> {
    const validFrom = localInputToMs(from, zone);
    const validTo = localInputToMs(to, zone);
    if (validFrom === null || validTo === null) throw new Error(t('passes.badDates'));
    await api(visitors.path, {
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
    visitors.list.reload();
  }

  return (
    <div class="stack">
      {props.canAct && (
        <Card title={t('visitors.add')} testId="visitor-form">
          <EditForm onSubmit={register} submitLabel={t('visitors.register')}>
            <TextField label={t('vehicles.plate')} required {...field('plate')} />
            <HouseholdPicker households={households} label={t('visitors.host')} {...field('host')} />
            <TextField label={t('visitors.from')} type="datetime-local" required {...field('from')} value={from} />
            <TextField label={t('visitors.to')} type="datetime-local" required {...field('to')} value={to} />
            <TextField label={t('vehicles.note')} {...field('note')} />
          </EditForm>
        </Card>
      )}
      <RegistryList
        title={t('nav.visitors')}
        testId="visitors"
        registry={visitors}
        canAct={props.canAct}
        columns={[
          { label: t('vehicles.plate'), cell: (v) => v.plate, class: 'plate' },
          { label: t('visitors.host'), cell: (v) => rooms.get(v.host) ?? v.host },
          { label: t('visitors.from'), cell: (v) => dateTime(v.validFrom, lang, zone) },
          { label: t('visitors.to'), cell: (v) => dateTime(v.validTo, lang, zone) },
          { label: t('visitors.createdBy'), cell: (v) => v.createdBy },
          { label: t('vehicles.note'), cell: (v) => v.note ?? '', class: 'muted small' },
        ]}
      />
      {props.canAct && (
        <CsvImport path={`${visitors.path}/import`} help="visitors.importHelp" onDone={visitors.list.reload} />
      )}
    </div>
  );
}
