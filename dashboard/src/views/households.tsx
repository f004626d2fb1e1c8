import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { Household, HouseholdInput, SiteInfo } from '../api/types.ts';
import { RegistryList, registryPath, useRegistry, useSubmit } from '../components/registry.tsx';
import { ErrorBox } from '../components/ui.tsx';
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
  const path = registryPath(props.site.id, 'households');
  const [q, setQ] = useState('');
  const list = useRegistry<Household>(props.site.id, 'households', q);
  const [editing, setEditing] = useState<Household | 'new' | null>(null);

  return (
    <div class="stack">
      <RegistryList
        title={t('nav.households')}
        testId="households"
        list={list}
        q={q}
        onQ={setQ}
        rowKey={(h) => h.id}
        canAct={props.canAct}
        onEdit={setEditing}
        onDelete={(h) => api(`${path}/${seg(h.id)}`, { method: 'DELETE' })}
        actions={
          props.canAct && (
            <button type="button" data-action="add" onClick={() => setEditing('new')}>
              {t('households.add')}
            </button>
          )
        }
        columns={[
          { label: t('households.room'), cell: (h) => h.room },
          { label: t('households.id'), cell: (h) => <span class="code">{h.id}</span> },
          { label: t('households.owner'), cell: (h) => h.owner ?? '' },
          { label: t('households.spaces'), cell: (h) => h.spaces.join(', ') },
        ]}
      >
        {editing !== null && (
          <HouseholdForm
            key={editing === 'new' ? 'new' : editing.id}
            initial={editing === 'new' ? EMPTY : toDraft(editing)}
            isNew={editing === 'new'}
            onCancel={() => setEditing(null)}
            onSave={async (draft) => {
              const body = toInput(draft);
              if (editing === 'new') await api(path, { method: 'POST', json: body });
              else await api(`${path}/${seg(editing.id)}`, { method: 'PUT', json: body });
              setEditing(null);
              list.reload();
            }}
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
  const [draft, setDraft] = useState(props.initial);
  const { submit, error } = useSubmit(() => props.onSave(draft));
  const input = (name: keyof Draft, label: string, extra: { required?: boolean; placeholder?: string } = {}) => (
    <label>
      {label}
      <input
        name={name}
        value={draft[name]}
        disabled={name === 'id' && !props.isNew}
        onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
        {...extra}
      />
    </label>
  );
  return (
    <form class="edit-form" onSubmit={submit} data-testid="household-form">
      {input('room', t('households.room'), { required: true, placeholder: '3栋2单元501' })}
      {input('owner', t('households.owner'))}
      {input('id', t('households.id'), { placeholder: t('households.idHint') })}
      {input('spaces', t('households.spaces'), { placeholder: 'A01, A02' })}
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
