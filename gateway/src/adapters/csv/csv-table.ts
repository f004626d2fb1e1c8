import { parse } from 'csv-parse/sync';

export interface Rejected {
  /** 1-based line in the file (the header is line 1); for a quoted multi-line row, the line it ends on. */
  line: number;
  reason: string;
}

export type ImportResult =
  | { ok: true; imported: number; updated: number; rejected: Rejected[] }
  | { ok: false; reason: string; rejected: Rejected[] };

export interface CsvRow {
  line: number;
  /** Cells by canonical column name; absent columns are undefined, blank cells ''. */
  get(column: string): string | undefined;
}

/** Canonical column → accepted header spellings (compared trimmed, lower case, without spaces, _ or -). */
export type ColumnAliases = Record<string, readonly string[]>;

function headerKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
}

export type ParsedCsv = { ok: true; rows: CsvRow[]; columns: Set<string> } | { ok: false; reason: string };

interface Parsed {
  record: string[];
  info: { lines: number };
}

/** Parses UTF-8 CSV (BOM or not) with a header row in Chinese or English; unknown columns are ignored. */
export function readCsv(text: string, aliases: ColumnAliases, required: readonly string[]): ParsedCsv {
  let records: Parsed[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as Parsed[];
  } catch (error) {
    return { ok: false, reason: `CSV: ${(error as Error).message}` };
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, reason: 'CSV: no header row' };
  const lookup = new Map<string, string>();
  for (const [column, names] of Object.entries(aliases)) {
    for (const name of [column, ...names]) lookup.set(headerKey(name), column);
  }
  const indexOf = new Map<string, number>();
  header.record.forEach(function mapHeader(cell, i) {
    const column = lookup.get(headerKey(cell));
    if (column && !indexOf.has(column)) indexOf.set(column, i);
  });
  const missing = required.filter(function absent(column) {
    return !indexOf.has(column);
  });
  if (missing.length > 0) {
    const names = missing.map(function named(column) {
      return `${aliases[column]?.[0] ?? column} (${column})`;
    });
    return { ok: false, reason: `CSV: missing column ${names.join(', ')}` };
  }
  const rows: CsvRow[] = [];
  for (const { record, info } of body) {
    if (record.every(isBlank)) continue;
    rows.push({
      line: info.lines,
      get: function get(column) {
        const i = indexOf.get(column);
        return i === undefined ? undefined : (record[i] ?? '');
      },
    });
  }
  return { ok: true, rows, columns: new Set(indexOf.keys()) };
}

function isBlank(cell: string): boolean {
  return cell === '';
}

/**
 * Local date-times as property companies write them ("2025-06-15 10:00", "2025/6/15 10:00:00"), read at a fixed
 * UTC offset (China has no daylight saving), ISO 8601 with an offset, or epoch milliseconds.
 */
export function parseTime(text: string, utcOffsetMinutes: number): number | null {
  const t = text.trim();
  if (/^\d{12,14}$/.test(t)) return Number(t);
  const local = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23) return null;
    const utc = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
    if (new Date(utc).getUTCDate() !== day) return null;
    return utc - utcOffsetMinutes * 60_000;
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
