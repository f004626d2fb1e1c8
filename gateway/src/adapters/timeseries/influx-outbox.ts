import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../domain/clock.ts';

export interface OutboxRow {
  id: number;
  line: string;
  createdAt: number;
}

export interface DeadLetter {
  id: number;
  line: string;
  createdAt: number;
  failedAt: number;
  status: number;
  message: string;
}

/**
 * The durable time-series outbox in the ledger's SQLite file: a line is stored before it is sent and deleted only
 * after the server answered 2xx. Lines the server refuses (400) move to `ts_dead_letter` with its message.
 */
export class InfluxOutbox {
  private readonly insert: Statement<[string, number]>;
  private readonly selectBatch: Statement<[number], { id: number; line: string; created_at: number }>;
  private readonly deleteOne: Statement<[number]>;
  private readonly insertDead: Statement<[string, number, number, number, string]>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ts_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        line TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ts_dead_letter (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        line TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        failed_at INTEGER NOT NULL,
        status INTEGER NOT NULL,
        message TEXT NOT NULL
      );
    `);
    this.insert = db.prepare('INSERT INTO ts_outbox (line, created_at) VALUES (?, ?)');
    this.selectBatch = db.prepare('SELECT id, line, created_at FROM ts_outbox ORDER BY id LIMIT ?');
    this.deleteOne = db.prepare('DELETE FROM ts_outbox WHERE id = ?');
    this.insertDead = db.prepare(
      'INSERT INTO ts_dead_letter (line, created_at, failed_at, status, message) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /** Stores lines in one transaction. */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const at = this.clock.now();
    this.db.transaction((all: readonly string[]) => {
      for (const line of all) this.insert.run(line, at);
    })(lines);
  }

  /** The oldest lines, in the order they were stored. */
  peek(limit: number): OutboxRow[] {
    return this.selectBatch.all(limit).map((r) => ({ id: r.id, line: r.line, createdAt: r.created_at }));
  }

  remove(rows: readonly OutboxRow[]): void {
    this.db.transaction((all: readonly OutboxRow[]) => {
      for (const row of all) this.deleteOne.run(row.id);
    })(rows);
  }

  deadLetter(rows: readonly OutboxRow[], status: number, message: string): void {
    const at = this.clock.now();
    this.db.transaction((all: readonly OutboxRow[]) => {
      for (const row of all) {
        this.insertDead.run(row.line, row.createdAt, at, status, message.slice(0, 2000));
        this.deleteOne.run(row.id);
      }
    })(rows);
  }

  size(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM ts_outbox').get() as { n: number }).n;
  }

  oldestCreatedAt(): number | null {
    const row = this.db.prepare('SELECT created_at FROM ts_outbox ORDER BY id LIMIT 1').get() as
      | { created_at: number }
      | undefined;
    return row?.created_at ?? null;
  }

  deadLetterCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM ts_dead_letter').get() as { n: number }).n;
  }

  deadLetters(limit = 100): DeadLetter[] {
    const rows = this.db
      .prepare('SELECT id, line, created_at, failed_at, status, message FROM ts_dead_letter ORDER BY id DESC LIMIT ?')
      .all(limit) as {
      id: number;
      line: string;
      created_at: number;
      failed_at: number;
      status: number;
      message: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      line: r.line,
      createdAt: r.created_at,
      failedAt: r.failed_at,
      status: r.status,
      message: r.message,
    }));
  }
}
