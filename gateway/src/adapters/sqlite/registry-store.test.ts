import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryStore } from './registry-store.ts';

const site = 'demo';
const at = 1_750_000_000_000;
const H = 3_600_000;

let dir: string;
let db: Database.Database;
let store: RegistryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-store-'));
  db = new Database(join(dir, 'registry.db'));
  db.pragma('journal_mode = WAL');
  store = RegistryStore.open(db);
  expect(store.households.put({ site, id: 'h501', room: '3栋2单元501', owner: '王五', spaces: ['A-017'] }).ok).toBe(
    true,
  );
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RegistryStore', () => {
  it('creates its tables idempotently and survives reopening the file', () => {
    store.vehicles.put({ site, plate: '京A12345', household: 'h501' });
    db.close();
    db = new Database(join(dir, 'registry.db'));
    store = RegistryStore.open(db);
    RegistryStore.open(db);
    expect(store.vehicles.get(site, '京A12345')?.household).toBe('h501');
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual([
      'reg_blacklist',
      'reg_emergency',
      'reg_households',
      'reg_passes',
      'reg_staff',
      'reg_vehicles',
      'reg_visitors',
    ]);
  });

  it('stores plates normalised, with defaults, and reports created vs updated', () => {
    const first = store.vehicles.put({ site, plate: '京a·12345', household: 'h501' });
    expect(first).toEqual({
      ok: true,
      created: true,
      record: { site, plate: '京A12345', household: 'h501', vehicleClass: 'small', energy: 'fuel' },
    });
    const second = store.vehicles.put({ site, plate: '京A 12345', household: 'h501', energy: 'electric' });
    expect(second.ok && second.created).toBe(false);
    expect(store.vehicles.get(site, '京A12345')?.energy).toBe('electric');
    expect(store.vehicles.list({ site }).total).toBe(1);
  });

  it('refuses invalid writes with a reason, writing nothing', () => {
    const bad = store.vehicles.put({ site, plate: '  ', household: 'h501' });
    expect(bad.ok ? '' : bad.reason).toContain('plate is empty');
    const unknown = store.vehicles.put({ site, plate: '京A12345', household: 'nobody' });
    expect(unknown).toEqual({ ok: false, reason: 'household: unknown household nobody' });
    const backwards = store.passes.put({
      site,
      id: 'p1',
      plate: '京A12345',
      kind: 'monthly',
      validFrom: at,
      validTo: at - 1,
    });
    expect(backwards.ok ? '' : backwards.reason).toContain('validFrom must be before validTo');
    expect(store.vehicles.list({ site }).total).toBe(0);
    expect(store.passes.list({ site }).total).toBe(0);
  });

  it('keeps several vehicles per household and per space (一位多车)', () => {
    for (const plate of ['京A12345', '京B22222', '京C33333']) {
      expect(store.vehicles.put({ site, plate, household: 'h501', space: 'A-017' }).ok).toBe(true);
    }
    expect(store.vehicles.list({ site, q: 'a-017' }).total).toBe(3);
    expect(store.vehicles.list({ site, q: 'h501' }).total).toBe(3);
  });

  it('deletes by key', () => {
    store.blacklist.put({ site, plate: '京A12345', reason: '欠费' });
    expect(store.blacklist.remove(site, '京A12345')).toBe(true);
    expect(store.blacklist.remove(site, '京A12345')).toBe(false);
    expect(store.blacklist.get(site, '京A12345')).toBeNull();
  });

  it('lists with search and paging, per site', () => {
    for (let i = 0; i < 25; i++) {
      store.vehicles.put({ site, plate: `京A${String(10000 + i)}`, household: 'h501' });
    }
    store.households.put({ site: 'other', id: 'x', room: '1栋' });
    store.vehicles.put({ site: 'other', plate: '京A10001', household: 'x' });
    const page1 = store.vehicles.list({ site, limit: 10 });
    const page3 = store.vehicles.list({ site, limit: 10, offset: 20 });
    expect(page1.total).toBe(25);
    expect(page1.items.map((v) => v.plate).slice(0, 2)).toEqual(['京A10000', '京A10001']);
    expect(page3.items.map((v) => v.plate)).toEqual(['京A10020', '京A10021', '京A10022', '京A10023', '京A10024']);
    expect(store.vehicles.list({ site, q: '京a1001' }).items.map((v) => v.plate)).toHaveLength(10);
    expect(store.vehicles.list({ site, q: '%' }).total).toBe(0);
    expect(store.households.list({ site, q: '2单元' }).items).toEqual([
      { site, id: 'h501', room: '3栋2单元501', owner: '王五', spaces: ['A-017'] },
    ]);
  });

  it('gathers everything for a plate and resolves the credential in force', () => {
    store.vehicles.put({ site, plate: '京A12345', household: 'h501' });
    store.passes.put({ site, id: 'p1', plate: '京A12345', kind: 'monthly', validFrom: at - H, validTo: at + H });
    store.passes.put({ site, id: 'p0', plate: '京A12345', kind: 'monthly', validFrom: at - 9 * H, validTo: at - H });
    const entries = store.entriesForPlate(site, '京a12345');
    expect(entries.household?.room).toBe('3栋2单元501');
    expect(entries.passes.map((p) => p.id)).toEqual(['p0', 'p1']);
    expect(store.resolve(site, '京A12345', at, '12:00')).toMatchObject({ kind: 'resident', userClass: 'monthly' });
    store.blacklist.put({ site, plate: '京A12345', reason: '欠费' });
    expect(store.resolve(site, '京A12345', at, '12:00').kind).toBe('blacklisted');
    expect(store.resolve(site, '沪B99999', at, '12:00').kind).toBe('temporary');
  });

  it('lists all candidate plates and the visitors active at a time', () => {
    store.vehicles.put({ site, plate: '京A12345', household: 'h501' });
    store.staff.put({ site, plate: '京S00001', staff: '保安' });
    store.emergency.put({ site, plate: '京X11911', agency: '消防' });
    store.blacklist.put({ site, plate: '京Z99999', reason: '欠费' });
    store.passes.put({ site, id: 'p1', plate: '京P12345', kind: 'annual', validFrom: at - H, validTo: at + H });
    const visit = { site, host: 'h501', createdBy: 'app' };
    store.visitors.put({ ...visit, id: 'v-now', plate: '京V11111', validFrom: at - H, validTo: at + H });
    store.visitors.put({ ...visit, id: 'v-past', plate: '京V22222', validFrom: at - 5 * H, validTo: at - H });
    store.visitors.put({ ...visit, id: 'v-later', plate: '京V33333', validFrom: at + H, validTo: at + 2 * H });
    store.visitors.put({ ...visit, id: 'v-edge', plate: '京V44444', validFrom: at, validTo: at + 1 });
    const all = store.allPlates(site);
    expect(all).toEqual([
      '京A12345',
      '京P12345',
      '京S00001',
      '京V11111',
      '京V22222',
      '京V33333',
      '京V44444',
      '京X11911',
      '京Z99999',
    ]);
    expect(store.allPlates(site, at)).not.toContain('京V22222');
    expect(store.allPlates(site, at)).toHaveLength(8);
    expect(store.visitorsActiveAt(site, at).map((v) => v.id)).toEqual(['v-now', 'v-edge']);
    expect(store.visitorsActiveAt(site, at + 1).map((v) => v.id)).toEqual(['v-now']);
  });

  it('refuses a visitor whose host is unknown', () => {
    const r = store.visitors.put({
      site,
      id: 'v1',
      plate: '京V11111',
      host: 'h999',
      validFrom: at,
      validTo: at + H,
      createdBy: 'app',
    });
    expect(r).toEqual({ ok: false, reason: 'host: unknown household h999' });
  });

  it('rolls back every write of a failed transaction', () => {
    expect(() =>
      store.transaction(function failing() {
        store.vehicles.put({ site, plate: '京A12345', household: 'h501' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.vehicles.get(site, '京A12345')).toBeNull();
  });
});
