import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { Household, Page } from '../api/types.ts';
import { type Resource, useResource } from '../hooks.ts';
import { t } from '../i18n/i18n.ts';
import { act } from './act.ts';
import { type Column, DataTable } from './data-table.tsx';
import { MaybeError } from './fields.tsx';
import { Async, Card } from './ui.tsx';

/** The registry's kinds as the HTTP API names them (`/api/sites/:site/:kind`). */
export type RegistryKind = 'households' | 'vehicles' | 'passes' | 'visitors' | 'staff' | 'emergency' | 'blacklist';

export function registryPath(site: string, kind: RegistryKind): string {
  return `/api/sites/${seg(site)}/${kind}`;
}

const PAGE = 100;

/** One registry kind of a site: its path, the search text, the page it finds, and the key of a record. */
export type Registry<T> = {
  path: string;
  q: string;
  setQ: (q: string) => void;
  list: Resource<Page<T>>;
  rowKey: (row: T) => string;
};

/** One page of a registry kind, searched by `q` (plate, room, owner… as the gateway matches it). */
export function useRegistry<T>(site: string, kind: RegistryKind, rowKey: (row: T) => string): Registry<T> {
  const path = registryPath(site, kind);
  const [q, setQ] = useState('');
  const list = useResource(() => api<Page<T>>(path, { query: { q: q.trim(), limit: PAGE, offset: 0 } }), [path, q]);
  return { path, q, setQ, list, rowKey };
}

/** The record at `path/:key`. */
export function recordPath<T>(registry: Registry<T>, row: T): string {
  return `${registry.path}/${seg(registry.rowKey(row))}`;
}

/** Which record a form edits (`'new'` for one to add), and its save: POST a new one, PUT an edited one. */
export function useEditor<T>(registry: Registry<T>) {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  async function save(body: unknown): Promise<void> {
    if (editing === 'new') await api(registry.path, { method: 'POST', json: body });
    else if (editing !== null) await api(recordPath(registry, editing), { method: 'PUT', json: body });
    setEditing(null);
    registry.list.reload();
  }
  const formKey = editing === null ? '' : editing === 'new' ? 'new' : registry.rowKey(editing);
  return { editing, setEditing, close: () => setEditing(null), save, formKey };
}

/** Ids for records the form creates (passes, visitors): letters, digits and dashes, as the gateway's Id allows. */
export function newId(prefix: string): string {
  const random = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${prefix}-${Date.now().toString(36)}-${random}`;
}

/** A registry list with a search box, its total, and add, edit and delete (after a confirm) for those who may act. */
export function RegistryList<T>(props: {
  title: string;
  testId: string;
  registry: Registry<T>;
  columns: Column<T>[];
  canAct: boolean;
  add?: { label: string; onClick: () => void };
  onEdit?: (row: T) => void;
  children?: ComponentChildren;
}) {
  const { registry } = props;
  const [error, setError] = useState<unknown>(null);
  async function remove(row: T): Promise<void> {
    if (!confirm(t('registry.confirmDelete', { key: registry.rowKey(row) }))) return;
    setError(null);
    try {
      await api(recordPath(registry, row), { method: 'DELETE' });
      registry.list.reload();
    } catch (e) {
      setError(e);
    }
  }
  function rowActions(row: T) {
    return (
      <>
        {props.onEdit && (
          <button type="button" class="link" onClick={() => props.onEdit?.(row)}>
            {t('vehicles.edit')}
          </button>
        )}
        <button type="button" class="link danger" onClick={act('removing a row', () => remove(row))}>
          {t('vehicles.delete')}
        </button>
      </>
    );
  }
  const add = props.canAct && props.add;
  return (
    <Card
      title={props.title}
      testId={props.testId}
      actions={
        add && (
          <button type="button" data-action="add" onClick={add.onClick}>
            {add.label}
          </button>
        )
      }
    >
      {props.children}
      <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          name="q"
          placeholder={t('registry.search')}
          value={registry.q}
          onInput={(e) => registry.setQ(e.currentTarget.value)}
        />
        {registry.list.data && <span class="muted small">{t('sessions.total', { n: registry.list.data.total })}</span>}
      </form>
      <MaybeError error={error} />
      <Async data={registry.list.data} error={registry.list.error} reload={registry.list.reload}>
        {(page) => (
          <DataTable
            testId={`${props.testId}-table`}
            columns={props.columns}
            rows={page.items}
            rowKey={registry.rowKey}
            keyed
            actions={props.canAct ? rowActions : undefined}
          />
        )}
      </Async>
    </Card>
  );
}

/** Every household of the site (at most 500, the API's page), for pickers. */
export function useHouseholds(site: string): Resource<Page<Household>> {
  const path = registryPath(site, 'households');
  return useResource(() => api<Page<Household>>(path, { query: { limit: 500 } }), [path]);
}

/** Room number by household id, for showing a household as people know it. */
export function roomsOf(households: Resource<Page<Household>>): Map<string, string> {
  return new Map((households.data?.items ?? []).map((h) => [h.id, h.room]));
}

export function householdLabel(h: Household): string {
  const room = h.room === h.id ? h.room : `${h.room} (${h.id})`;
  return h.owner ? `${room} · ${h.owner}` : room;
}

/** Pick a household by room; residents and visitors need one that exists. */
export function HouseholdPicker(props: {
  households: Resource<Page<Household>>;
  value: string;
  onValue: (id: string) => void;
  name: string;
  label: string;
}) {
  const items = props.households.data?.items ?? [];
  const known = items.some((h) => h.id === props.value);
  return (
    <label>
      {props.label}
      <select name={props.name} required value={props.value} onChange={(e) => props.onValue(e.currentTarget.value)}>
        <option value="">{items.length === 0 ? t('registry.noHouseholds') : t('registry.chooseHousehold')}</option>
        {!known && props.value && <option value={props.value}>{props.value}</option>}
        {items.map((h) => (
          <option key={h.id} value={h.id}>
            {householdLabel(h)}
          </option>
        ))}
      </select>
    </label>
  );
}
