import type Database from 'better-sqlite3';
import { z } from 'zod';
import { normalizePlate } from '../../domain/plate/index.ts';
import {
  BlacklistEntry,
  type Credential,
  EmergencyVehicle,
  Household,
  type LocalTime,
  Pass,
  type PlateEntries,
  resolveCredential,
  StaffVehicle,
  Vehicle,
  Visitor,
} from '../../domain/registry/index.ts';

export type StoreResult<T> = { ok: true; record: T; created: boolean } | { ok: false; reason: string };

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ListQuery {
  site: string;
  /** Case-insensitive substring of the plate or the other text fields (room, owner, reason…). */
  q?: string;
  limit?: number;
  offset?: number;
}

export interface TableSpec<S extends z.ZodType> {
  name: string;
  schema: S;
  key(record: z.infer<S>): string;
  plate(record: z.infer<S>): string | null;
  text(record: z.infer<S>): Array<string | undefined>;
  window?(record: z.infer<S>): { from: number; to: number };
  /** A reason to refuse the write (e.g. an unknown household), or null. */
  check?(record: z.infer<S>): string | null;
}

export const MAX_PAGE = 500;

/** Every registry table has the same shape: indexed columns for look-ups plus the validated record as JSON. */
function tableDdl(name: string): string {
  return `
    CREATE TABLE IF NOT EXISTS ${name} (
      site TEXT NOT NULL,
      key TEXT NOT NULL,
      plate TEXT,
      search TEXT NOT NULL,
      valid_from INTEGER,
      valid_to INTEGER,
      data TEXT NOT NULL,
      PRIMARY KEY (site, key)
    );
    CREATE INDEX IF NOT EXISTS ${name}_plate ON ${name} (site, plate);
    CREATE INDEX IF NOT EXISTS ${name}_window ON ${name} (site, valid_to, valid_from);`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

interface Row {
  data: string;
}

/** One registry kind: CRUD, look-up by plate, search with paging. */
export class RegistryTable<S extends z.ZodType> {
  private readonly upsert: Database.Statement;
  private readonly exists: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectByPlate: Database.Statement;
  private readonly deleteOne: Database.Statement;
  private readonly page: Database.Statement;
  private readonly count: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly spec: TableSpec<S>,
  ) {
    const t = spec.name;
    this.upsert = db.prepare(
      `INSERT INTO ${t} (site, key, plate, search, valid_from, valid_to, data)
       VALUES (@site, @key, @plate, @search, @validFrom, @validTo, @data)
       ON CONFLICT (site, key) DO UPDATE SET plate = excluded.plate, search = excluded.search,
         valid_from = excluded.valid_from, valid_to = excluded.valid_to, data = excluded.data`,
    );
    this.exists = db.prepare(`SELECT 1 FROM ${t} WHERE site = ? AND key = ?`);
    this.selectOne = db.prepare(`SELECT data FROM ${t} WHERE site = ? AND key = ?`);
    this.selectByPlate = db.prepare(`SELECT data FROM ${t} WHERE site = ? AND plate = ? ORDER BY key`);
    this.deleteOne = db.prepare(`DELETE FROM ${t} WHERE site = ? AND key = ?`);
    const where = `site = @site AND (@q IS NULL OR search LIKE '%' || @q || '%' ESCAPE '\\')`;
    this.page = db.prepare(`SELECT data FROM ${t} WHERE ${where} ORDER BY key LIMIT @limit OFFSET @offset`);
    this.count = db.prepare(`SELECT count(*) AS n FROM ${t} WHERE ${where}`);
  }

  /** Validates, normalises (plates) and inserts or replaces by key. */
  put(input: z.input<S>): StoreResult<z.infer<S>> {
    const parsed = this.spec.schema.safeParse(input);
    if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
    const record = parsed.data as z.infer<S> & { site: string };
    const refused = this.spec.check?.(record) ?? null;
    if (refused) return { ok: false, reason: refused };
    const key = this.spec.key(record);
    const created = this.exists.get(record.site, key) === undefined;
    const window = this.spec.window?.(record);
    this.upsert.run({
      site: record.site,
      key,
      plate: this.spec.plate(record),
      search: this.spec
        .text(record)
        .filter(function present(s) {
          return s !== undefined;
        })
        .join('\u0001')
        .toLowerCase(),
      validFrom: window?.from ?? null,
      validTo: window?.to ?? null,
      data: JSON.stringify(record),
    });
    return { ok: true, record, created };
  }

  get(site: string, key: string): z.infer<S> | null {
    const row = this.selectOne.get(site, key) as Row | undefined;
    return row ? (JSON.parse(row.data) as z.infer<S>) : null;
  }

  has(site: string, key: string): boolean {
    return this.exists.get(site, key) !== undefined;
  }

  byPlate(site: string, plate: string): Array<z.infer<S>> {
    return (this.selectByPlate.all(site, plate) as Row[]).map(fromRow<z.infer<S>>);
  }

  remove(site: string, key: string): boolean {
    return this.deleteOne.run(site, key).changes > 0;
  }

  list(query: ListQuery): Page<z.infer<S>> {
    const q = query.q?.trim() ? escapeLike(query.q.trim().toLowerCase()) : null;
    const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? 50)), MAX_PAGE);
    const offset = Math.max(0, Math.trunc(query.offset ?? 0));
    const params = { site: query.site, q, limit, offset };
    const items = (this.page.all(params) as Row[]).map(fromRow<z.infer<S>>);
    const { n } = this.count.get(params) as { n: number };
    return { items, total: n };
  }
}

function fromRow<T>(row: Row): T {
  return JSON.parse(row.data) as T;
}

type Tables = {
  households: RegistryTable<typeof Household>;
  vehicles: RegistryTable<typeof Vehicle>;
  passes: RegistryTable<typeof Pass>;
  visitors: RegistryTable<typeof Visitor>;
  staff: RegistryTable<typeof StaffVehicle>;
  emergency: RegistryTable<typeof EmergencyVehicle>;
  blacklist: RegistryTable<typeof BlacklistEntry>;
};

const TABLE_NAMES = {
  households: 'reg_households',
  vehicles: 'reg_vehicles',
  passes: 'reg_passes',
  visitors: 'reg_visitors',
  staff: 'reg_staff',
  emergency: 'reg_emergency',
  blacklist: 'reg_blacklist',
} as const satisfies Record<keyof Tables, string>;

function byPlate(record: { plate: string }): string {
  return record.plate;
}

function byId(record: { id: string }): string {
  return record.id;
}

function validityOf(record: { validFrom: number; validTo: number }): { from: number; to: number } {
  return { from: record.validFrom, to: record.validTo };
}

/**
 * The vehicle registry in SQLite (tables prefixed `reg_`). Plates are stored normalised; every write goes through
 * the domain's zod schemas and a refused write is a value with a reason. Open with `RegistryStore.open(db)`.
 */
export class RegistryStore implements Tables {
  readonly households: Tables['households'];
  readonly vehicles: Tables['vehicles'];
  readonly passes: Tables['passes'];
  readonly visitors: Tables['visitors'];
  readonly staff: Tables['staff'];
  readonly emergency: Tables['emergency'];
  readonly blacklist: Tables['blacklist'];

  /** Creates the tables if needed, then the store. */
  static open(db: Database.Database): RegistryStore {
    db.exec(Object.values(TABLE_NAMES).map(tableDdl).join('\n'));
    return new RegistryStore(db);
  }

  private constructor(private readonly db: Database.Database) {
    const households = new RegistryTable(db, {
      name: TABLE_NAMES.households,
      schema: Household,
      key: byId,
      plate: noPlate,
      text: function text(h) {
        return [h.id, h.room, h.owner];
      },
    });
    const householdCheck = function householdCheck(site: string, id: string, label: string): string | null {
      return households.has(site, id) ? null : `${label}: unknown household ${id}`;
    };
    this.households = households;
    this.vehicles = new RegistryTable(db, {
      name: TABLE_NAMES.vehicles,
      schema: Vehicle,
      key: byPlate,
      plate: byPlate,
      text: function text(v) {
        return [v.plate, v.household, v.space, v.note];
      },
      check: function check(v) {
        return householdCheck(v.site, v.household, 'household');
      },
    });
    this.passes = new RegistryTable(db, {
      name: TABLE_NAMES.passes,
      schema: Pass,
      key: byId,
      plate: byPlate,
      text: function text(p) {
        return [p.plate, p.id, p.kind];
      },
      window: validityOf,
    });
    this.visitors = new RegistryTable(db, {
      name: TABLE_NAMES.visitors,
      schema: Visitor,
      key: byId,
      plate: byPlate,
      text: function text(v) {
        return [v.plate, v.host, v.createdBy, v.note];
      },
      window: validityOf,
      check: function check(v) {
        return householdCheck(v.site, v.host, 'host');
      },
    });
    this.staff = new RegistryTable(db, {
      name: TABLE_NAMES.staff,
      schema: StaffVehicle,
      key: byPlate,
      plate: byPlate,
      text: function text(s) {
        return [s.plate, s.staff];
      },
    });
    this.emergency = new RegistryTable(db, {
      name: TABLE_NAMES.emergency,
      schema: EmergencyVehicle,
      key: byPlate,
      plate: byPlate,
      text: function text(e) {
        return [e.plate, e.agency];
      },
    });
    this.blacklist = new RegistryTable(db, {
      name: TABLE_NAMES.blacklist,
      schema: BlacklistEntry,
      key: byPlate,
      plate: byPlate,
      text: function text(b) {
        return [b.plate, b.reason, b.addedBy];
      },
    });
  }

  /** Runs `fn` in one SQLite transaction: all its writes land, or none (a throw rolls back). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Everything registered for one plate (normalised here), the input of `resolveCredential`. */
  entriesForPlate(site: string, rawPlate: string): PlateEntries {
    const plate = normalizePlate(rawPlate).plate;
    const vehicle = this.vehicles.get(site, plate);
    return {
      vehicle,
      household: vehicle ? this.households.get(site, vehicle.household) : null,
      passes: this.passes.byPlate(site, plate),
      visitors: this.visitors.byPlate(site, plate),
      staff: this.staff.get(site, plate),
      emergency: this.emergency.get(site, plate),
      blacklist: this.blacklist.get(site, plate),
    };
  }

  resolve(site: string, rawPlate: string, at: number, localTime: LocalTime): Credential {
    return resolveCredential(normalizePlate(rawPlate).plate, at, localTime, this.entriesForPlate(site, rawPlate));
  }

  /** Candidate plates for fuzzy matching; with `at`, passes and visitors already over are left out. */
  allPlates(site: string, at?: number): string[] {
    const until = at ?? null;
    const windowed = `site = @site AND plate IS NOT NULL AND (@until IS NULL OR valid_to > @until)`;
    const sql = [
      `SELECT plate FROM ${TABLE_NAMES.vehicles} WHERE site = @site`,
      `SELECT plate FROM ${TABLE_NAMES.passes} WHERE ${windowed}`,
      `SELECT plate FROM ${TABLE_NAMES.visitors} WHERE ${windowed}`,
      `SELECT plate FROM ${TABLE_NAMES.staff} WHERE site = @site`,
      `SELECT plate FROM ${TABLE_NAMES.emergency} WHERE site = @site`,
      `SELECT plate FROM ${TABLE_NAMES.blacklist} WHERE site = @site`,
    ].join(' UNION ');
    const rows = this.db.prepare(`${sql} ORDER BY plate`).all({ site, until }) as Array<{ plate: string }>;
    return rows.map(byPlate);
  }

  /** Visitors whose registered window contains `at` (from inclusive, to exclusive). */
  visitorsActiveAt(site: string, at: number): Visitor[] {
    const rows = this.db
      .prepare(
        `SELECT data FROM ${TABLE_NAMES.visitors} WHERE site = ? AND valid_to > ? AND valid_from <= ? ORDER BY valid_from`,
      )
      .all(site, at, at) as Row[];
    return rows.map(fromRow<Visitor>);
  }
}

function noPlate(): null {
  return null;
}
