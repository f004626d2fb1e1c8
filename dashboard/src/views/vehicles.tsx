import { useState } from 'preact/hooks';
import { api, seg } from '../api/client.ts';
import type { ImportReply, Page, SiteInfo, Vehicle } from '../api/types.ts';
import { Async, Card, Empty, ErrorBox } from '../components/ui.tsx';
import { dateOnly, localInputToMs, normalisePlate, toMs } from '../format.ts';
import { useResource } from '../hooks.ts';
import { t, tv } from '../i18n/i18n.ts';

const KINDS = ['resident', 'monthly', 'annual', 'staff', 'emergency', 'visitor'] as const;
const CLASSES = ['small', 'large', 'motorcycle'] as const;

type Draft = {
  plate: string;
  kind: string;
  household: string;
  owner: string;
  phone: string;
  space: string;
  vehicleClass: string;
  validFrom: string;
  validTo: string;
};

function toDraft(v: Vehicle | null, zone: string): Draft {
  const day = (value: Vehicle['validFrom']) => {
    const ms = toMs(value ?? null);
    return ms === null ? '' : dateOnly(ms, zone);
  };
  return {
    plate: v?.plate ?? '',
    kind: v?.kind ?? 'resident',
    household: v?.household ?? '',
    owner: v?.owner ?? '',
    phone: v?.phone ?? '',
    space: v?.space ?? '',
    vehicleClass: v?.vehicleClass ?? 'small',
    validFrom: day(v?.validFrom),
    validTo: day(v?.validTo),
  };
}

function fromDraft(d: Draft, zone: string): Vehicle {
  const day = (text: string, end: boolean) =>
    text ? localInputToMs(`${text}T${end ? '23:59' : '00:00'}`, zone) : null;
  return {
    plate: normalisePlate(d.plate),
    kind: d.kind,
    household: d.household || null,
    owner: d.owner || null,
    phone: d.phone || null,
    space: d.space || null,
    vehicleClass: d.vehicleClass,
    validFrom: day(d.validFrom, false),
    validTo: day(d.validTo, true),
  };
}

export function VehiclesView(props: { site: SiteInfo; canAct: boolean }) {
  const zone = props.site.timeZone ?? 'Asia/Shanghai';
  const path = `/api/sites/${seg(props.site.id)}/vehicles`;
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [editing, setEditing] = useState<Vehicle | 'new' | null>(null);
  const list = useResource(
    () => api<Page<Vehicle> | Vehicle[]>(path, { query: { q, kind, limit: 200 } }),
    [path, q, kind],
  );

  async function remove(plate: string): Promise<void> {
    if (!confirm(t('vehicles.confirmDelete', { plate }))) return;
    await api(`${path}/${seg(plate)}`, { method: 'DELETE' });
    list.reload();
  }

  return (
    <div class="stack">
      <Card
        title={t('nav.vehicles')}
        testId="vehicles"
        actions={
          props.canAct && (
            <button type="button" onClick={() => setEditing('new')}>
              {t('vehicles.add')}
            </button>
          )
        }
      >
        <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
          <input placeholder={t('vehicles.q')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{t('sessions.any')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {tv('kind', k)}
              </option>
            ))}
          </select>
        </form>
        {editing !== null && (
          <VehicleForm
            initial={toDraft(editing === 'new' ? null : editing, zone)}
            isNew={editing === 'new'}
            onCancel={() => setEditing(null)}
            onSave={async (draft) => {
              const body = fromDraft(draft, zone);
              if (editing === 'new') await api(path, { method: 'POST', json: body });
              else await api(`${path}/${seg(editing.plate)}`, { method: 'PUT', json: body });
              setEditing(null);
              list.reload();
            }}
          />
        )}
        <Async data={list.data} error={list.error} reload={list.reload}>
          {(data) => {
            const rows = Array.isArray(data) ? data : data.items;
            if (rows.length === 0) return <Empty />;
            return (
              <div class="table-wrap">
                <table class="table" data-testid="vehicle-table">
                  <thead>
                    <tr>
                      <th>{t('vehicles.plate')}</th>
                      <th>{t('vehicles.kind')}</th>
                      <th>{t('vehicles.household')}</th>
                      <th>{t('vehicles.owner')}</th>
                      <th>{t('vehicles.space')}</th>
                      <th>{t('vehicles.validTo')}</th>
                      {props.canAct && <th />}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((v) => (
                      <tr key={v.plate}>
                        <td class="plate">{v.plate}</td>
                        <td>{tv('kind', v.kind)}</td>
                        <td>{v.household ?? ''}</td>
                        <td>{v.owner ?? ''}</td>
                        <td>{v.space ?? ''}</td>
                        <td>{v.validTo ? dateOnly(v.validTo, zone) : ''}</td>
                        {props.canAct && (
                          <td class="row-actions">
                            <button type="button" class="link" onClick={() => setEditing(v)}>
                              {t('vehicles.edit')}
                            </button>
                            <button type="button" class="link danger" onClick={() => remove(v.plate)}>
                              {t('vehicles.delete')}
                            </button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          }}
        </Async>
      </Card>
      {props.canAct && <CsvImport path={`${path}/import`} onDone={list.reload} />}
    </div>
  );
}

function VehicleForm(props: {
  initial: Draft;
  isNew: boolean;
  onSave: (d: Draft) => Promise<void>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(props.initial);
  const [error, setError] = useState<unknown>(null);
  function field(name: keyof Draft, label: string, type: 'text' | 'date' | 'tel' = 'text') {
    const common = {
      id: `vehicle-${name}`,
      name,
      value: draft[name],
      disabled: name === 'plate' && !props.isNew,
      required: name === 'plate',
      onInput: (e: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [name]: e.currentTarget.value }),
    };
    return (
      <div class="field">
        <label for={common.id}>{label}</label>
        {type === 'date' ? (
          <input type="date" {...common} />
        ) : type === 'tel' ? (
          <input type="tel" {...common} />
        ) : (
          <input type="text" {...common} />
        )}
      </div>
    );
  }

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setError(null);
    try {
      await props.onSave(draft);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <form class="edit-form" onSubmit={submit} data-testid="vehicle-form">
      {field('plate', t('vehicles.plate'))}
      <label>
        {t('vehicles.kind')}
        <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.currentTarget.value })}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {tv('kind', k)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('vehicles.vehicleClass')}
        <select
          value={draft.vehicleClass}
          onChange={(e) => setDraft({ ...draft, vehicleClass: e.currentTarget.value })}
        >
          {CLASSES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      {field('household', t('vehicles.household'))}
      {field('owner', t('vehicles.owner'))}
      {field('phone', t('vehicles.phone'), 'tel')}
      {field('space', t('vehicles.space'))}
      {field('validFrom', t('vehicles.validFrom'), 'date')}
      {field('validTo', t('vehicles.validTo'), 'date')}
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

function CsvImport(props: { path: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [report, setReport] = useState<ImportReply | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function readFile(file: File | undefined): Promise<void> {
    if (file) setText(await file.text());
  }

  async function run(): Promise<void> {
    setError(null);
    setReport(null);
    try {
      setReport(await api<ImportReply>(props.path, { method: 'POST', csv: text }));
      props.onDone();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Card title={t('vehicles.import')} testId="csv-import">
      <p class="muted small">{t('vehicles.importHelp')}</p>
      <input type="file" accept=".csv,text/csv" onChange={(e) => readFile(e.currentTarget.files?.[0])} />
      <textarea rows={6} value={text} onInput={(e) => setText(e.currentTarget.value)} class="csv" />
      <button type="button" disabled={!text.trim()} onClick={run}>
        {t('vehicles.importRun')}
      </button>
      {error !== null && <ErrorBox error={error} />}
      {report && (
        <div class="import-report" data-testid="import-report">
          <p>
            {t('vehicles.imported', {
              imported: report.imported,
              updated: report.updated,
              rejected: report.rejected.length,
            })}
          </p>
          {report.rejected.length > 0 && (
            <ul class="rejected">
              {report.rejected.map((r) => (
                <li key={r.line}>
                  {t('vehicles.rejectedLine', { line: r.line })}: {r.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
