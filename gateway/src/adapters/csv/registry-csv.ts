import { createHash } from 'node:crypto';
import { normalizePlate } from '../../domain/plate/index.ts';
import type { Energy, VehicleClass } from '../../domain/registry/index.ts';
import type { RegistryStore, StoreResult } from '../sqlite/registry-store.ts';
import { type ColumnAliases, type CsvRow, type ImportResult, parseTime, type Rejected, readCsv } from './csv-table.ts';

export type { ImportResult, Rejected } from './csv-table.ts';

export interface ImportOptions {
  site: string;
  /** Any rejected row aborts the whole import (nothing written). Default: good rows land, bad rows are listed. */
  strict?: boolean;
  /** Offset of the local times in the file; default +480 (China Standard Time). */
  utcOffsetMinutes?: number;
  /** Recorded as `createdBy` / `addedBy` when the file has no such column. */
  importedBy?: string;
}

export const VEHICLE_COLUMNS: ColumnAliases = {
  plate: ['车牌号', '车牌', '车牌号码', '号牌号码'],
  room: ['房号', '房间号', '房屋', '户号', '门牌号', '住户', 'household'],
  vehicleClass: ['车型', '车辆类型', '车辆类别', 'class', 'type'],
  energy: ['能源类型', '能源', '燃料类型', 'fuel'],
  space: ['车位号', '车位', '车位编号'],
  owner: ['业主', '车主', '业主姓名', '姓名', 'name'],
  note: ['备注', 'remark'],
};

export const VISITOR_COLUMNS: ColumnAliases = {
  plate: VEHICLE_COLUMNS.plate ?? [],
  host: ['被访房号', '房号', '受访房号', '被访户', 'room'],
  validFrom: ['开始时间', '预约开始', '来访时间', 'from', 'start'],
  validTo: ['结束时间', '预约结束', '离开时间', 'to', 'end'],
  createdBy: ['登记人', '创建人', 'createdby'],
  note: ['备注', 'remark'],
};

export const BLACKLIST_COLUMNS: ColumnAliases = {
  plate: VEHICLE_COLUMNS.plate ?? [],
  reason: ['原因', '拉黑原因', '备注'],
  until: ['截止时间', '到期时间', '有效期至', 'expires'],
  addedBy: ['添加人', '操作人', 'addedby'],
};

const CLASS_WORDS: Record<string, VehicleClass> = {
  small: 'small',
  小型车: 'small',
  小车: 'small',
  小型: 'small',
  小型汽车: 'small',
  轿车: 'small',
  large: 'large',
  大型车: 'large',
  大车: 'large',
  大型: 'large',
  大型汽车: 'large',
  motorcycle: 'motorcycle',
  摩托车: 'motorcycle',
  摩托: 'motorcycle',
};

const ENERGY_WORDS: Record<string, Energy> = {
  fuel: 'fuel',
  燃油: 'fuel',
  汽油: 'fuel',
  柴油: 'fuel',
  油车: 'fuel',
  electric: 'electric',
  ev: 'electric',
  新能源: 'electric',
  电动: 'electric',
  纯电: 'electric',
  纯电动: 'electric',
  电车: 'electric',
  混动: 'electric',
  插电混动: 'electric',
};

class RowError extends Error {}

/** Reading and writing every row inside one transaction; a thrown fault rolls all of it back. */
function importRows(
  store: RegistryStore,
  text: string,
  aliases: ColumnAliases,
  required: readonly string[],
  options: ImportOptions,
  write: (row: CsvRow) => StoreResult<unknown> | string,
): ImportResult {
  const csv = readCsv(text, aliases, required);
  if (!csv.ok) return { ok: false, reason: csv.reason, rejected: [] };
  const rejected: Rejected[] = [];
  let imported = 0;
  let updated = 0;
  try {
    store.transaction(function importAll() {
      for (const row of csv.rows) {
        const result = write(row);
        if (typeof result === 'string') rejected.push({ line: row.line, reason: result });
        else if (!result.ok) rejected.push({ line: row.line, reason: result.reason.replace(/\n/g, ' ') });
        else if (result.created) imported++;
        else updated++;
      }
      if (options.strict && rejected.length > 0) throw new RowError(`${rejected.length} row(s) rejected`);
    });
  } catch (error) {
    const reason = error instanceof RowError ? `strict import: ${error.message}` : `import failed: ${error}`;
    return { ok: false, reason, rejected };
  }
  return { ok: true, imported, updated, rejected };
}

/** A coded cell: its value, undefined when blank, or the reason it is not understood. */
function word<T>(table: Record<string, T>, text: string | undefined, label: string): { value?: T; error?: string } {
  const key = (text ?? '').trim().toLowerCase();
  if (key === '') return {};
  const value = table[key];
  return value === undefined ? { error: `${label}: unknown value "${text}"` } : { value };
}

function optional(text: string | undefined): string | undefined {
  return text?.trim() ? text.trim() : undefined;
}

/** Vehicles by household room; a room not registered yet becomes a household whose id is the room text. */
export function importVehiclesCsv(store: RegistryStore, text: string, options: ImportOptions): ImportResult {
  const { site } = options;
  return importRows(store, text, VEHICLE_COLUMNS, ['plate', 'room'], options, function writeVehicle(row) {
    const room = row.get('room')?.trim() ?? '';
    if (room === '') return '房号 (room) is empty';
    const vehicleClass = word(CLASS_WORDS, row.get('vehicleClass'), '车型 (vehicleClass)');
    if (vehicleClass.error) return vehicleClass.error;
    const energy = word(ENERGY_WORDS, row.get('energy'), '能源类型 (energy)');
    if (energy.error) return energy.error;
    const plate = normalizePlate(row.get('plate'));
    const household = householdFor(store, site, room, optional(row.get('owner')));
    if (household.error !== undefined) return household.error;
    return store.vehicles.put({
      site,
      plate: plate.plate,
      household: household.id,
      vehicleClass: vehicleClass.value,
      energy: energy.value ?? (plate.format === 'newEnergy' ? 'electric' : 'fuel'),
      space: optional(row.get('space')),
      note: optional(row.get('note')),
    });
  });
}

function householdFor(
  store: RegistryStore,
  site: string,
  room: string,
  owner: string | undefined,
): { id: string; error?: undefined } | { error: string } {
  if (store.households.has(site, room)) return { id: room };
  const found = store.households.list({ site, q: room, limit: 500 }).items.find(function sameRoom(h) {
    return h.room === room;
  });
  if (found) return { id: found.id };
  const created = store.households.put({ site, id: room, room, owner });
  return created.ok ? { id: room } : { error: `房号 (room): ${created.reason}` };
}

function stableId(prefix: string, ...parts: Array<string | number>): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\u0001')).digest('hex').slice(0, 20)}`;
}

function timeCell(row: CsvRow, column: string, options: ImportOptions): number | string | undefined {
  const text = optional(row.get(column));
  if (text === undefined) return undefined;
  return parseTime(text, options.utcOffsetMinutes ?? 480) ?? `${column}: not a date-time "${text}"`;
}

/** Pre-registered visitors; the host is a household id or room. Re-importing the same row updates it. */
export function importVisitorsCsv(store: RegistryStore, text: string, options: ImportOptions): ImportResult {
  const { site } = options;
  const required = ['plate', 'host', 'validFrom', 'validTo'];
  return importRows(store, text, VISITOR_COLUMNS, required, options, function writeVisitor(row) {
    const validFrom = timeCell(row, 'validFrom', options);
    const validTo = timeCell(row, 'validTo', options);
    if (typeof validFrom !== 'number') return validFrom ?? 'validFrom is empty';
    if (typeof validTo !== 'number') return validTo ?? 'validTo is empty';
    const hostText = row.get('host')?.trim() ?? '';
    const host = store.households.has(site, hostText)
      ? hostText
      : (store.households.list({ site, q: hostText, limit: 500 }).items.find(function sameRoom(h) {
          return h.room === hostText;
        })?.id ?? hostText);
    const plate = normalizePlate(row.get('plate')).plate;
    return store.visitors.put({
      site,
      id: stableId('v', site, plate, validFrom, validTo),
      plate,
      host,
      validFrom,
      validTo,
      createdBy: optional(row.get('createdBy')) ?? options.importedBy ?? 'csv',
      note: optional(row.get('note')),
    });
  });
}

export function importBlacklistCsv(store: RegistryStore, text: string, options: ImportOptions): ImportResult {
  const { site } = options;
  return importRows(store, text, BLACKLIST_COLUMNS, ['plate', 'reason'], options, function writeBlacklist(row) {
    const until = timeCell(row, 'until', options);
    if (typeof until === 'string') return until;
    return store.blacklist.put({
      site,
      plate: row.get('plate') ?? '',
      reason: row.get('reason') ?? '',
      until,
      addedBy: optional(row.get('addedBy')) ?? options.importedBy,
    });
  });
}
