import type { SiteInfo, Vehicle, VehicleInput } from '../api/types.ts';
import { CsvImport } from '../components/csv-import.tsx';
import { EditForm, SelectField, TextField, useDraft } from '../components/fields.tsx';
import {
  HouseholdPicker,
  RegistryList,
  roomsOf,
  useEditor,
  useHouseholds,
  useRegistry,
} from '../components/registry.tsx';
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
  const vehicles = useRegistry<Vehicle>(props.site.id, 'vehicles', (v) => v.plate);
  const editor = useEditor(vehicles);
  const { editing } = editor;
  const households = useHouseholds(props.site.id);
  const rooms = roomsOf(households);

  return (
    <div class="stack">
      <RegistryList
        title={t('nav.vehicles')}
        testId="vehicles"
        registry={vehicles}
        canAct={props.canAct}
        add={{ label: t('vehicles.add'), onClick: () => editor.setEditing('new') }}
        onEdit={editor.setEditing}
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
            key={editor.formKey}
            initial={toDraft(editing === 'new' ? null : editing)}
            isNew={editing === 'new'}
            households={households}
            onCancel={editor.close}
            onSave={(draft) => editor.save(toInput(draft))}
          />
        )}
      </RegistryList>
      {props.canAct && (
        <CsvImport
          path={`${vehicles.path}/import`}
          help="vehicles.importHelp"
          onDone={() => {
            vehicles.list.reload();
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
  const { draft, field } = useDraft(props.initial);
  return (
    <EditForm
      testId="vehicle-form"
      onSubmit={() => props.onSave(draft)}
      onCancel={props.onCancel}
      actions={
        <a class="small" href="#/households">
          {t('registry.manageHouseholds')}
        </a>
      }
    >
      <TextField
        label={t('vehicles.plate')}
        required
        disabled={!props.isNew}
        placeholder="京A12345"
        {...field('plate')}
      />
      <HouseholdPicker households={props.households} label={t('vehicles.household')} {...field('household')} />
      <SelectField
        label={t('vehicles.vehicleClass')}
        options={CLASSES}
        optionLabel={(c) => tv('vehicleClass', c)}
        {...field('vehicleClass')}
      />
      <SelectField
        label={t('vehicles.energy')}
        options={ENERGIES}
        optionLabel={(c) => tv('energy', c)}
        {...field('energy')}
      />
      <TextField label={t('vehicles.space')} placeholder="A01" {...field('space')} />
      <TextField label={t('vehicles.note')} {...field('note')} />
    </EditForm>
  );
}
