import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.ts';
import type { ImportReply } from '../api/types.ts';
import { type MessageKey, t } from '../i18n/i18n.ts';
import { act } from './act.ts';
import { MaybeError } from './fields.tsx';
import { Card } from './ui.tsx';

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
      <input
        type="file"
        accept=".csv,text/csv"
        onChange={act('reading the CSV file', (e) => readFile(e.currentTarget.files?.[0]))}
      />
      <textarea name="csv" rows={6} value={text} onInput={(e) => setText(e.currentTarget.value)} class="csv" />
      <div class="form-actions">
        <label class="check">
          <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.currentTarget.checked)} />
          {t('registry.strict')}
        </label>
        <button type="button" data-action="import" disabled={!text.trim()} onClick={act('CSV import', run)}>
          {t('vehicles.importRun')}
        </button>
      </div>
      <MaybeError error={error} />
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
