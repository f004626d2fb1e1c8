import { useGatewayNow } from '../api/gateway-time.ts';
import type { Pass, PassInput, SiteInfo } from '../api/types.ts';
import { EditForm, SelectField, TextField, useDraft } from '../components/fields.tsx';
import { newId, RegistryList, useEditor, useRegistry } from '../components/registry.tsx';
import { dateOnly, dateTime, localInputToMs, normalisePlate, siteZone } from '../format.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';

const DAY = 86_400_000;
const KINDS = ['monthly', 'annual'] as const satisfies readonly Pass['kind'][];

type Draft = {
  plate: string;
  kind: Pass['kind'];
  from: string;
  to: string;
  windowFrom: string;
  windowTo: string;
  zones: string[];
};

/** Monthly and annual passes (月卡、年卡): a validity in days, optionally a daily window and some zones only. */
export function PassesView(props: { site: SiteInfo; canAct: boolean }) {
  const zone = siteZone(props.site);
  const passes = useRegistry<Pass>(props.site.id, 'passes', (p) => p.id);
  const editor = useEditor(passes);
  const lang = getLang();
  const zoneNames = new Map(props.site.zones.map((z) => [z.id, z.name]));

  return (
    <RegistryList
      title={t('nav.passes')}
      testId="passes"
      registry={passes}
      canAct={props.canAct}
      add={{ label: t('passes.add'), onClick: () => editor.setEditing('new') }}
      columns={[
        { label: t('vehicles.plate'), cell: (p) => p.plate, class: 'plate' },
        { label: t('passes.kind'), cell: (p) => tv('kind', p.kind) },
        { label: t('passes.from'), cell: (p) => dateTime(p.validFrom, lang, zone) },
        { label: t('passes.to'), cell: (p) => dateTime(p.validTo, lang, zone) },
        { label: t('passes.window'), cell: (p) => (p.window ? `${p.window.from}–${p.window.to}` : t('passes.allDay')) },
        {
          label: t('passes.zones'),
          cell: (p) => (p.zones ? p.zones.map((z) => zoneNames.get(z) ?? z).join('、') : t('passes.allZones')),
        },
      ]}
    >
      {editor.editing === 'new' && <PassForm site={props.site} onCancel={editor.close} onSave={editor.save} />}
    </RegistryList>
  );
}

function PassForm(props: { site: SiteInfo; onSave: (p: PassInput) => Promise<void>; onCancel: () => void }) {
  const zone = siteZone(props.site);
  const { draft, setDraft, field } = useDraft<Draft>({
    plate: '',
    kind: 'monthly',
    from: '',
    to: '',
    windowFrom: '',
    windowTo: '',
    zones: [],
  });
  // Until the user picks dates: from the gateway's today (its clock may outrun the browser's) for 30 days.
  const today = useGatewayNow();
  const from = draft.from || dateOnly(today, zone);
  const to = draft.to || dateOnly(today + 30 * DAY, zone);
  function save(): Promise<void> {
    const validFrom = localInputToMs(`${from}T00:00`, zone);
    // The last day counts whole: validTo is exclusive, so it is the next midnight.
    const lastDay = localInputToMs(`${to}T00:00`, zone);
    if (validFrom === null || lastDay === null) throw new Error(t('passes.badDates'));
    return props.onSave({
      id: newId('pass'),
      plate: normalisePlate(draft.plate),
      kind: draft.kind,
      validFrom,
      validTo: lastDay + DAY,
      ...(draft.windowFrom && draft.windowTo ? { window: { from: draft.windowFrom, to: draft.windowTo } } : {}),
      ...(draft.zones.length > 0 ? { zones: draft.zones } : {}),
    });
  }
  function toggleZone(id: string, on: boolean): void {
    setDraft({ ...draft, zones: on ? [...draft.zones, id] : draft.zones.filter((z) => z !== id) });
  }
  return (
    <EditForm testId="pass-form" onSubmit={save} onCancel={props.onCancel}>
      <TextField label={t('vehicles.plate')} required {...field('plate')} />
      <SelectField label={t('passes.kind')} options={KINDS} optionLabel={(k) => tv('kind', k)} {...field('kind')} />
      <TextField label={t('passes.from')} type="date" required {...field('from')} value={from} />
      <TextField label={t('passes.lastDay')} type="date" required {...field('to')} value={to} />
      <TextField label={t('passes.windowFrom')} type="time" {...field('windowFrom')} />
      <TextField label={t('passes.windowTo')} type="time" {...field('windowTo')} />
      <fieldset class="zones-pick">
        <legend>{t('passes.zones')}</legend>
        {props.site.zones.map((z) => (
          <label key={z.id} class="check">
            <input
              type="checkbox"
              checked={draft.zones.includes(z.id)}
              onChange={(e) => toggleZone(z.id, e.currentTarget.checked)}
            />
            {z.name}
          </label>
        ))}
        <span class="muted small">{t('passes.zonesHint')}</span>
      </fieldset>
    </EditForm>
  );
}
