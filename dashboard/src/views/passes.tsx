import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import { useGatewayTime } from '../api/gateway-time.ts';
import type { Pass, PassInput, SiteInfo } from '../api/types.ts';
import { newId, RegistryList, registryPath, useRegistry, useSubmit } from '../components/registry.tsx';
import { ErrorBox } from '../components/ui.tsx';
import { dateOnly, dateTime, localInputToMs, normalisePlate } from '../format.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';

const DAY = 86_400_000;

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
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const path = registryPath(props.site.id, 'passes');
  const [q, setQ] = useState('');
  const list = useRegistry<Pass>(props.site.id, 'passes', q);
  const [adding, setAdding] = useState(false);
  const lang = getLang();
  const zoneNames = new Map(props.site.zones.map((z) => [z.id, z.name]));

  return (
    <RegistryList
      title={t('nav.passes')}
      testId="passes"
      list={list}
      q={q}
      onQ={setQ}
      rowKey={(p) => p.id}
      canAct={props.canAct}
      onDelete={(p) => api(`${path}/${seg(p.id)}`, { method: 'DELETE' })}
      actions={
        props.canAct && (
          <button type="button" data-action="add" onClick={() => setAdding(true)}>
            {t('passes.add')}
          </button>
        )
      }
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
      {adding && (
        <PassForm
          site={props.site}
          onCancel={() => setAdding(false)}
          onSave={async (body) => {
            await api(path, { method: 'POST', json: body });
            setAdding(false);
            list.reload();
          }}
        />
      )}
    </RegistryList>
  );
}

function PassForm(props: { site: SiteInfo; onSave: (p: PassInput) => Promise<void>; onCancel: () => void }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const [draft, setDraft] = useState<Draft>({
    plate: '',
    kind: 'monthly',
    from: '',
    to: '',
    windowFrom: '',
    windowTo: '',
    zones: [],
  });
  // Until the user picks dates: from the gateway's today (its clock may outrun the browser's) for 30 days.
  const today = useGatewayTime() ?? Date.now();
  const from = draft.from || dateOnly(today, zone);
  const to = draft.to || dateOnly(today + 30 * DAY, zone);
  const { submit, error } = useSubmit(function save() {
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
  });
  function toggleZone(id: string, on: boolean): void {
    setDraft({ ...draft, zones: on ? [...draft.zones, id] : draft.zones.filter((z) => z !== id) });
  }
  return (
    <form class="edit-form" onSubmit={submit} data-testid="pass-form">
      <label>
        {t('vehicles.plate')}
        <input
          name="plate"
          required
          value={draft.plate}
          onInput={(e) => setDraft({ ...draft, plate: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('passes.kind')}
        <select
          name="kind"
          value={draft.kind}
          onChange={(e) => setDraft({ ...draft, kind: e.currentTarget.value as Draft['kind'] })}
        >
          <option value="monthly">{tv('kind', 'monthly')}</option>
          <option value="annual">{tv('kind', 'annual')}</option>
        </select>
      </label>
      <label>
        {t('passes.from')}
        <input
          type="date"
          name="from"
          required
          value={from}
          onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('passes.lastDay')}
        <input
          type="date"
          name="to"
          required
          value={to}
          onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('passes.windowFrom')}
        <input
          type="time"
          name="windowFrom"
          value={draft.windowFrom}
          onInput={(e) => setDraft({ ...draft, windowFrom: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('passes.windowTo')}
        <input
          type="time"
          name="windowTo"
          value={draft.windowTo}
          onInput={(e) => setDraft({ ...draft, windowTo: e.currentTarget.value })}
        />
      </label>
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
      <div class="form-actions">
        <button type="submit">{t('vehicles.save')}</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('vehicles.cancel')}
        </button>
      </div>
      {error !== null && <ErrorBox error={error} />}
    </form>
  );
}
