import type { Household, HouseholdInput, SiteInfo } from '../api/types.ts';
import { EditForm, TextField, useDraft } from '../components/fields.tsx';
import { RegistryList, useEditor, useRegistry } from '../components/registry.tsx';
import { t } from '../i18n/i18n.ts';

type Draft = { id: string; room: string; owner: string; spaces: string };

const EMPTY: Draft = { id: '', room: '', owner: '', spaces: '' };

function toDraft(h: Household): Draft {
  return { id: h.id, room: h.room, owner: h.owner ?? '', spaces: h.spaces.join(', ') };
}

/** The id defaults to the room text, as the CSV import does, so "3栋2单元501" is both. */
function toInput(d: Draft): HouseholdInput {
  const spaces = d.spaces
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    id: d.id.trim() || d.room.trim(),
    room: d.room.trim(),
    spaces,
    ...(d.owner.trim() ? { owner: d.owner.trim() } : {}),
  };
}

/** Households (住户): residents' vehicles and visitors' hosts refer to one. */
export function HouseholdsView(props: { site: SiteInfo; canAct: boolean }) {
  const households = useRegistry<Household>(props.site.id, 'households', (h) => h.id);
  const editor = useEditor(households);
  const { editing } = editor;

  return (
    <div class="stack">
      <RegistryList
        title={t('nav.households')}
        testId="households"
        registry={households}
        canAct={props.canAct}
        add={{ label: t('households.add'), onClick: () => editor.setEditing('new') }}
        onEdit={editor.setEditing}
        columns={[
          { label: t('households.room'), cell: (h) => h.room },
          { label: t('households.id'), cell: (h) => <span class="code">{h.id}</span> },
          { label: t('households.owner'), cell: (h) => h.owner ?? '' },
          { label: t('households.spaces'), cell: (h) => h.spaces.join(', ') },
        ]}
      >
        {editing !== null && (
          <HouseholdForm
            key={editor.formKey}
            initial={editing === 'new' ? EMPTY : toDraft(editing)}
            isNew={editing === 'new'}
            onCancel={editor.close}
            onSave={(draft) => editor.save(toInput(draft))}
          />
        )}
      </RegistryList>
    </div>
  );
}

function HouseholdForm(props: {
  initial: Draft;
  isNew: boolean;
  onSave: (d: Draft) => Promise<void>;
  onCancel: () => void;
}) {
  const { draft, field } = useDraft(props.initial);
  return (
    <EditForm testId="household-form" onSubmit={() => props.onSave(draft)} onCancel={props.onCancel}>
      <TextField label={t('households.room')} required placeholder="3栋2单元501" {...field('room')} />
      <TextField label={t('households.owner')} {...field('owner')} />
      <TextField
        label={t('households.id')}
        placeholder={t('households.idHint')}
        disabled={!props.isNew}
        {...field('id')}
      />
      <TextField label={t('households.spaces')} placeholder="A01, A02" {...field('spaces')} />
    </EditForm>
  );
}
