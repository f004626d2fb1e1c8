import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, seg } from '../api/client.ts';
import type { Household, ImportReply, Page } from '../api/types.ts';
import { type Resource, useResource } from '../hooks.ts';
import { type MessageKey, t } from '../i18n/i18n.ts';
import { Async, Card, Empty, ErrorBox } from './ui.tsx';

/** The registry's kinds as the HTTP API names them (`/api/sites/:site/:kind`). */
export type RegistryKind = 'households' | 'vehicles' | 'passes' | 'visitors' | 'staff' | 'emergency' | 'blacklist';

export function registryPath(site: string, kind: RegistryKind): string {
  return `/api/sites/${seg(site)}/${kind}`;
}

const PAGE = 100;

/** One page of a registry kind, searched by `q` (plate, room, owner… as the gateway matches it). */
export function useRegistry<T>(site: string, kind: RegistryKind, q: string, offset = 0): Resource<Page<T>> {
  const path = registryPath(site, kind);
  return useResource(() => api<Page<T>>(path, { query: { q: q.trim(), limit: PAGE, offset } }), [path, q, offset]);
}

/** Ids for records the form creates (passes, visitors): letters, digits and dashes, as the gateway's Id allows. */
export function newId(prefix: string): string {
  const random = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${prefix}-${Date.now().toString(36)}-${random}`;
}

export type Column<T> = { label: string; cell: (row: T) => ComponentChildren; class?: string };

/** A registry list with a search box, its total, and edit/delete per row for those who may act. */
export function RegistryList<T>(props: {
  title: string;
  testId: string;
  list: Resource<Page<T>>;
  q: string;
  onQ: (q: string) => void;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  canAct: boolean;
  onEdit?: (row: T) => void;
  onDelete: (row: T) => Promise<void>;
  actions?: ComponentChildren;
  children?: ComponentChildren;
}) {
  const [error, setError] = useState<unknown>(null);
  async function remove(row: T): Promise<void> {
    if (!confirm(t('registry.confirmDelete', { key: props.rowKey(row) }))) return;
    setError(null);
    try {
      await props.onDelete(row);
      props.list.reload();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Card title={props.title} testId={props.testId} actions={props.actions}>
      {props.children}
      <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          name="q"
          placeholder={t('registry.search')}
          value={props.q}
          onInput={(e) => props.onQ(e.currentTarget.value)}
        />
        {props.list.data && <span class="muted small">{t('sessions.total', { n: props.list.data.total })}</span>}
      </form>
      {error !== null && <ErrorBox error={error} />}
      <Async data={props.list.data} error={props.list.error} reload={props.list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty />
          ) : (
            <div class="table-wrap">
              <table class="table" data-testid={`${props.testId}-table`}>
                <thead>
                  <tr>
                    {props.columns.map((c) => (
                      <th key={c.label} class={c.class}>
                        {c.label}
                      </th>
                    ))}
                    {props.canAct && <th />}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((row) => (
                    <tr key={props.rowKey(row)} data-key={props.rowKey(row)}>
                      {props.columns.map((c) => (
                        <td key={c.label} class={c.class}>
                          {c.cell(row)}
                        </td>
                      ))}
                      {props.canAct && (
                        <td class="row-actions">
                          {props.onEdit && (
                            <button type="button" class="link" onClick={() => props.onEdit?.(row)}>
                              {t('vehicles.edit')}
                            </button>
                          )}
                          <button type="button" class="link danger" onClick={() => remove(row)}>
                            {t('vehicles.delete')}
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </Card>
  );
}

/** Every household of the site (at most 500, the API's page), for pickers. */
export function useHouseholds(site: string): Resource<Page<Household>> {
  const path = registryPath(site, 'households');
  return useResource(() => api<Page<Household>>(path, { query: { limit: 500 } }), [path]);
}

export function householdLabel(h: Household): string {
  const room = h.room === h.id ? h.room : `${h.room} (${h.id})`;
  return h.owner ? `${room} · ${h.owner}` : room;
}

/** Pick a household by room; residents and visitors need one that exists. */
export function HouseholdPicker(props: {
  households: Resource<Page<Household>>;
  value: string;
  onChange: (id: string) => void;
  name: string;
  label: string;
}) {
  const items = props.households.data?.items ?? [];
  const known = items.some((h) => h.id === props.value);
  return (
    <label>
      {props.label}
      <select name={props.name} required value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
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

/** A form's submit: run it, show the gateway's reason when it refuses. */
export function useSubmit(run: () => Promise<void>): { submit: (e: Event) => Promise<void>; error: unknown } {
  const [error, setError] = useState<unknown>(null);
  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(e);
    }
  }
  return { submit, error };
}

function isImportReply(value: unknown): value is ImportReply {
  return typeof value === 'object' && value !== null && Array.isArray((value as ImportReply).rejected);
}

/** CSV import with the gateway's report: rows added and updated, and each rejected row by line with its reason. */
export function CsvImport(props: { path: string; help: MessageKey; onDone: () => void }) {
  const [text, setText] = useState('');
  const [strict, setStrict] = useState(false);
  const [report, setReport] = useState<ImportReply | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function readFile(file: File | undefined): Promise<void> {
    if (file) setText(await file.text());
  }

  async function run(): Promise<void> {
    setError(null);
    setReport(null);
    try {
      setReport(await api<ImportReply>(props.path, { method: 'POST', csv: text, query: strict ? { strict } : {} }));
      props.onDone();
    } catch (e) {
      // A refused import (strict mode, a missing column) still says which rows were wrong.
      if (e instanceof ApiError && isImportReply(e.body)) setReport(e.body);
      else setError(e);
    }
  }

  return (
    <Card title={t('vehicles.import')} testId="csv-import">
      <p class="muted small">{t(props.help)}</p>
      <input type="file" accept=".csv,text/csv" onChange={(e) => readFile(e.currentTarget.files?.[0])} />
      <textarea name="csv" rows={6} value={text} onInput={(e) => setText(e.currentTarget.value)} class="csv" />
      <div class="form-actions">
        <label class="check">
          <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.currentTarget.checked)} />
          {t('registry.strict')}
        </label>
        <button type="button" data-action="import" disabled={!text.trim()} onClick={run}>
          {t('vehicles.importRun')}
        </button>
      </div>
      {error !== null && <ErrorBox error={error} />}
      {report && (
        <div class={`import-report ${report.ok ? '' : 'failed'}`} data-testid="import-report">
          {report.ok ? (
            <p>
              {t('vehicles.imported', {
                imported: report.imported,
                updated: report.updated,
                rejected: report.rejected.length,
              })}
            </p>
          ) : (
            <p class="error">
              {t('registry.importRefused')}: {report.reason}
            </p>
          )}
          {report.rejected.length > 0 && (
            <ul class="rejected" data-testid="import-rejected">
              {report.rejected.map((r) => (
                <li key={r.line} data-line={r.line}>
                  <strong>{t('vehicles.rejectedLine', { line: r.line })}</strong>: {r.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
