import { parseAllDocuments } from 'yaml';
import type { GuidanceCeiling, Tariff } from './tariff.schema.ts';
import { type TariffProblem, validateTariff } from './tariff-validate.ts';

export type TariffLoad =
  | { readonly ok: true; readonly tariffs: readonly Tariff[]; readonly warnings: readonly TariffProblem[] }
  | { readonly ok: false; readonly errors: readonly TariffProblem[]; readonly message: string };

/**
 * Reads tariff text (YAML or JSON): one tariff, a list of versions, `{ versions: [...] }`, or several YAML documents.
 * File reading stays with the caller.
 */
export function parseTariffText(text: string, options: { ceiling?: GuidanceCeiling } = {}): TariffLoad {
  const docs: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const errors = doc.errors.map(function yamlProblem(e) {
        return { path: '(document)', message: e.message };
      });
      return { ok: false, errors, message: errors.map((p) => p.message).join('\n') };
    }
    const value: unknown = doc.toJS();
    if (Array.isArray(value)) docs.push(...value);
    else if (value !== null && typeof value === 'object' && 'versions' in value && Array.isArray(value.versions)) {
      docs.push(...value.versions);
    } else if (value !== null && value !== undefined) docs.push(value);
  }
  if (docs.length === 0) {
    return { ok: false, errors: [{ path: '(document)', message: 'no tariff found' }], message: 'no tariff found' };
  }
  const tariffs: Tariff[] = [];
  const errors: TariffProblem[] = [];
  const warnings: TariffProblem[] = [];
  const indexed = (p: TariffProblem, i: number) =>
    docs.length > 1 ? { path: `[${i}].${p.path}`, message: p.message } : p;
  docs.forEach(function validateOne(doc, i) {
    const result = validateTariff(doc, options);
    warnings.push(...result.warnings.map((p) => indexed(p, i)));
    if (result.ok) tariffs.push(result.tariff);
    else
      for (const p of result.errors)
        errors.push(docs.length > 1 ? { path: `[${i}].${p.path}`, message: p.message } : p);
  });
  if (errors.length > 0) return { ok: false, errors, message: errors.map((p) => `${p.path}: ${p.message}`).join('\n') };
  return { ok: true, tariffs, warnings };
}
