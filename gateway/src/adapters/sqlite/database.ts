import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Errors } from '../errors.ts';

export type Db = Database.Database;

/**
 * Opens the ledger file in WAL mode. synchronous=FULL: a committed transaction survives a kill -9 and a power cut,
 * which the ledger (the source of truth for money) needs more than the last bit of write speed.
 */
export function openDatabase(file: string): Db {
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'unknown';
    throw new Errors.LedgerUnavailable(
      `cannot open the ledger ${file} (${code}: ${(err as Error).message}); the data dir ${dirname(file)} (DATA_DIR) must exist, be writable and have free space`,
    );
  }
}
