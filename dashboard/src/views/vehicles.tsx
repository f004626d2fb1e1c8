import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { SiteInfo, Vehicle, VehicleInput } from '../api/types.ts';
import {
  CsvImport,
  HouseholdPicker,
  RegistryList,
  registryPath,
  useHouseholds,
  useRegistry,
  useSubmit,
} from '../components/registry.tsx';
import { ErrorBox } from '../components/ui.tsx';
import { normalisePlate } from '../format.ts';
import { t, tv } from '../i18n/i18n.ts';

const CLASSES = ['small', 'large', 'motorcycle'] as const satisfies readonly Vehicle['vehicleClass'][];
const ENERGIES = ['fuel', 'electric'] as const satisfies readonly Vehicle['energy'][];

type Draft = {
  plate: string;
  household: string;
  vehicleClass: Vehicle['vehicleClass'];
  energy: Vehicle['energy'];
  space: string;
  note: string;
};

function toDraft(v: Vehicle | null): Draft {
  return {
    plate: v?.plate ?? '',
    household: v?.household ?? '',
    vehicleClass: v?.vehicleClass ?? 'small',
    energy: v?.energy ?? 'fuel',
    space: v?.space ?? '',
    note: v?.note ?? '',
  };
}

function toInput(d: Draft): VehicleInput {
  return {
    plate: normalisePlate(d.plate),
    household: d.household,
    vehicleClass: d.vehicleClass,
    energy: d.energy,
    ...(d.space.trim() ? { space: d.space.trim() } : {}),
    ...(d.note.trim() ? { note: d.note.trim() } : {}),
  };
}

/** Resident vehicles (业主车辆), each bound to a household and optionally a space; several may share either. */
export function VehiclesView(props: { site: SiteInfo; canAct: boolean }) {
  const path = registryPath(props.site.id, 'vehicles');
  const [q, setQ] = useState('');
  const list = useRegistry<Vehicle>(props.site.id, 'vehicles', q);
  const households = useHouseholds(props.site.id);
  const rooms = new Map((households.data?.items ?? []).map((h) => [h.id, h.room]));
  const [editing, setEditing] = useState<Vehicle | 'new' | null>(null);

  return (
    <div class="stack">
      <RegistryList
        title={t('nav.vehicles')}
        testId="vehicles"
        list={list}
        q={q}
        onQ={setQ}
        rowKey={(v) => v.plate}
        canAct={props.canAct}
        onEdit={setEditing}
        onDelete={(v) => api(`${path}/${seg(v.plate)}`, { method: 'DELETE' })}
        actions={
          props.canAct && (
            <button type="button" data-action="add" onClick={() => setEditing('new')}>
              {t('vehicles.add')}
            </button>
          )
        }
        columns={[
          { label: t('vehicles.plate'), cell: (v) => v.plate, class: 'plate' },
          { label: t('vehicles.household'), cell: (v) => rooms.get(v.household) ?? v.household },
          { label: t('vehicles.vehicleClass'), cell: (v) => tv('vehicleClass', v.vehicleClass) },
          { label: t('vehicles.energy'), cell: (v) => tv('energy', v.energy) },
          { label: t('vehicles.space'), cell: (v) => v.space ?? '' },
          { label: t('vehicles.note'), cell: (v) => v.note ?? '', class: 'muted small' },
        ]}
      >
        {editing !== null && (
          <VehicleForm
            key={editing === 'new' ? 'new' : editing.plate}
            initial={toDraft(editing === 'new' ? null : editing)}
            isNew={editing === 'new'}
            households={households}
            onCancel={() => setEditing(null)}
            onSave={async (draft) => {
              const body = toInput(draft);
              if (editing === 'new') await api(path, { method: 'POST', json: body });
              else await api(`${path}/${seg(editing.plate)}`, { method: 'PUT', json: body });
              setEditing(null);
              list.reload();
            }}
          />
        )}
      </RegistryList>
      {props.canAct && (
        <CsvImport
          path={`${path}/import`}
          help="vehicles.importHelp"
          onDone={() => {
            list.reload();
            households.reload();
          }}
        />
      )}
    </div>
  );
}

function VehicleForm(props: {
  initial: Draft;
  isNew: boolean;
  households: ReturnType<typeof useHouseholds>;
  onSave: (d: Draft) => Promise<void>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(props.initial);
  const { submit, error } = useSubmit(() => props.onSave(draft));
  const text = (name: 'plate' | 'space' | 'note', label: string, extra: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input
        name={name}
        value={draft[name]}
        onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
        {...extra}
      />
    </label>
  );
  return (
    <form class="edit-form" onSubmit={submit} data-testid="vehicle-form">
      {text('plate', t('vehicles.plate'), { required: true, disabled: !props.isNew, placeholder: '京A12345' })}
      <HouseholdPicker
        households={props.households}
        name="household"
        label={t('vehicles.household')}
        value={draft.household}
        onChange={(household) => setDraft({ ...draft, household })}
      />
      <label>
        {t('vehicles.vehicleClass')}
        <select
          name="vehicleClass"
          value={draft.vehicleClass}
          onChange={(e) => setDraft({ ...draft, vehicleClass: e.currentTarget.value as Draft['vehicleClass'] })}
        >
          {CLASSES.map((c) => (
            <option key={c} value={c}>
              {tv('vehicleClass', c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('vehicles.energy')}
        <select
          name="energy"
          value={draft.energy}
          onChange={(e) => setDraft({ ...draft, energy: e.currentTarget.value as Draft['energy'] })}
        >
          {ENERGIES.map((c) => (
            <option key={c} value={c}>
              {tv('energy', c)}
            </option>
          ))}
        </select>
      </label>
      {text('space', t('vehicles.space'), { placeholder: 'A01' })}
      {text('note', t('vehicles.note'))}
      <div class="form-actions">
        <button type="submit">{t('vehicles.save')}</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('vehicles.cancel')}
        </button>
        <a class="small" href="#/households">
          {t('registry.manageHouseholds')}
        </a>
      </div>
      {error !== null && <ErrorBox error={error} />}
    </form>
  );
}
