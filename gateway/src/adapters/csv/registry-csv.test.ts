import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryStore } from '../sqlite/registry-store.ts';
import { parseTime } from './csv-table.ts';
import { importBlacklistCsv, importVehiclesCsv, importVisitorsCsv } from './registry-csv.ts';

const site = 'demo';
let dir: string;
let db: Database.Database;
let store: RegistryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-csv-'));
  db = new Database(join(dir, 'registry.db'));
  store = RegistryStore.open(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const chinese = [
  '\uFEFF车牌号,房号,车型,能源类型,车位号,业主,联系电话',
  '京A12345,3栋2单元501,小型车,燃油,A-017,王五,13800000000',
  '粤B D12345,3栋2单元501,,,A-017,王五,',
  '京C 88888,5栋101,大型车,柴油,,,',
  '',
  '沪D77777,,小型车,燃油,,,',
  '苏E66666,5栋101,卡车,燃油,,,',
  '浙F55555,5栋101,小型车,氢能,,,',
  ',5栋101,小型车,燃油,,,',
  '闽G44444,5栋101,摩托车,电动,B 01,,',
].join('\r\n');

describe('importVehiclesCsv', () => {
  it('imports good rows and rejects bad ones with line numbers and reasons (BOM, Chinese headers)', () => {
    const result = importVehiclesCsv(store, chinese, { site });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.imported).toBe(3);
    expect(result.updated).toBe(0);
    expect(result.rejected.map((r) => r.line)).toEqual([6, 7, 8, 9, 10]);
    expect(result.rejected[0]?.reason).toBe('房号 (room) is empty');
    expect(result.rejected[1]?.reason).toBe('车型 (vehicleClass): unknown value "卡车"');
    expect(result.rejected[2]?.reason).toBe('能源类型 (energy): unknown value "氢能"');
    expect(result.rejected[3]?.reason).toContain('plate is empty');
    expect(result.rejected[4]?.reason).toContain('space');

    expect(store.vehicles.get(site, '京A12345')).toEqual({
      site,
      plate: '京A12345',
      household: '3栋2单元501',
      vehicleClass: 'small',
      energy: 'fuel',
      space: 'A-017',
    });
    // New-energy plate with a blank energy cell counts as electric; two vehicles on one space (一位多车).
    expect(store.vehicles.get(site, '粤BD12345')).toMatchObject({ energy: 'electric', space: 'A-017' });
    expect(store.vehicles.get(site, '京C88888')).toMatchObject({ vehicleClass: 'large', household: '5栋101' });
    expect(store.households.get(site, '3栋2单元501')).toEqual({
      site,
      id: '3栋2单元501',
      room: '3栋2单元501',
      owner: '王五',
      spaces: [],
    });
  });

  it('reads English headers without a BOM, reuses households by room and counts updates', () => {
    store.households.put({ site, id: 'h-501', room: '3栋2单元501' });
    const text =
      'Plate,Room,Vehicle Class,Energy\n京A12345,3栋2单元501,large,electric\n京A12345,3栋2单元501,small,fuel\n';
    const result = importVehiclesCsv(store, text, { site });
    expect(result).toEqual({ ok: true, imported: 1, updated: 1, rejected: [] });
    expect(store.vehicles.get(site, '京A12345')).toMatchObject({ household: 'h-501', vehicleClass: 'small' });
    expect(store.households.list({ site }).total).toBe(1);
  });

  it('refuses a file without the required columns', () => {
    expect(importVehiclesCsv(store, '车牌号,姓名\n京A12345,王五\n', { site })).toEqual({
      ok: false,
      reason: 'CSV: missing column 房号 (room)',
      rejected: [],
    });
  });

  it('reports a malformed file as a value', () => {
    const result = importVehiclesCsv(store, '车牌号,房号\n"京A12345,1栋\n', { site });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/^CSV: /);
  });

  it('strict mode writes nothing when any row is rejected', () => {
    const result = importVehiclesCsv(store, chinese, { site, strict: true });
    expect(result).toMatchObject({ ok: false, reason: 'strict import: 5 row(s) rejected' });
    expect(result.rejected).toHaveLength(5);
    expect(store.vehicles.list({ site }).total).toBe(0);
    expect(store.households.list({ site }).total).toBe(0);
  });

  it('rolls back every row when the database fails mid-import', () => {
    db.exec(`CREATE TRIGGER refuse_c BEFORE INSERT ON reg_vehicles WHEN NEW.plate = '京C88888'
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const result = importVehiclesCsv(store, chinese, { site });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('disk says no');
    expect(store.vehicles.list({ site }).total).toBe(0);
    expect(store.households.list({ site }).total).toBe(0);
  });
});

describe('importVisitorsCsv', () => {
  it('imports visitors with local times at +08:00 and is idempotent on re-import', () => {
    store.households.put({ site, id: 'h1', room: '1栋101' });
    const text = [
      '车牌号,被访房号,开始时间,结束时间,登记人',
      '京V11111,1栋101,2025-06-15 10:00,2025-06-15 18:00,门岗张三',
      '京V22222,h1,2025/6/15 9:00:00,2025-06-15T12:00:00+08:00,',
      '京V33333,9栋909,2025-06-15 10:00,2025-06-15 18:00,',
      '京V44444,1栋101,2025-06-15 18:00,2025-06-15 10:00,',
      '京V55555,1栋101,明天,2025-06-15 10:00,',
    ].join('\n');
    const first = importVisitorsCsv(store, text, { site, importedBy: 'admin' });
    expect(first).toMatchObject({ ok: true, imported: 2, updated: 0 });
    expect(first.rejected.map((r) => r.line)).toEqual([4, 5, 6]);
    expect(first.rejected[0]?.reason).toBe('host: unknown household 9栋909');
    expect(first.rejected[1]?.reason).toContain('validFrom must be before validTo');
    expect(first.rejected[2]?.reason).toBe('validFrom: not a date-time "明天"');
    const [visitor] = store.visitors.byPlate(site, '京V11111');
    expect(visitor).toMatchObject({ host: 'h1', createdBy: '门岗张三' });
    expect(visitor?.validFrom).toBe(Date.parse('2025-06-15T02:00:00Z'));
    expect(store.visitors.byPlate(site, '京V22222')[0]).toMatchObject({
      createdBy: 'admin',
      validFrom: Date.parse('2025-06-15T01:00:00Z'),
      validTo: Date.parse('2025-06-15T04:00:00Z'),
    });
    expect(importVisitorsCsv(store, text, { site })).toMatchObject({ ok: true, imported: 0, updated: 2 });
  });
});

describe('importBlacklistCsv', () => {
  it('imports entries with an optional end', () => {
    const text = 'plate,reason,until\n京Z99999,欠费未缴,\n京Z88888,冲卡,2025-12-31 23:59\n京Z77777,,\n';
    const result = importBlacklistCsv(store, text, { site, importedBy: 'admin' });
    expect(result).toMatchObject({ ok: true, imported: 2, updated: 0 });
    expect(result.rejected).toEqual([{ line: 4, reason: expect.stringContaining('reason') }]);
    expect(store.blacklist.get(site, '京Z99999')).toEqual({
      site,
      plate: '京Z99999',
      reason: '欠费未缴',
      addedBy: 'admin',
    });
    expect(store.blacklist.get(site, '京Z88888')?.until).toBe(Date.parse('2025-12-31T15:59:00Z'));
  });
});

describe('parseTime', () => {
  it.each([
    ['2025-06-15 10:00', Date.parse('2025-06-15T02:00:00Z')],
    ['2025-06-15', Date.parse('2025-06-14T16:00:00Z')],
    ['2025-06-15T10:00:00Z', Date.parse('2025-06-15T10:00:00Z')],
    ['1750000000000', 1_750_000_000_000],
    ['2025-02-30 10:00', null],
    ['2025-13-01', null],
    ['tomorrow', null],
  ])('%s', (text, expected) => {
    expect(parseTime(text, 480)).toBe(expected);
  });
});
