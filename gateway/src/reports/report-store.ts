import type Database from 'better-sqlite3';
import type { ReportPeriod } from './periods.ts';
import { Report, ReportSummary } from './report.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS reports (
  id INTEGER PRIMARY KEY,
  site TEXT NOT NULL,
  period TEXT NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  generated_at INTEGER NOT NULL,
  index_value REAL,
  level TEXT,
  summary TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (site, period, start)
);
CREATE INDEX IF NOT EXISTS reports_by_period ON reports (period, start);
`;

interface Row {
  summary: string;
  body: string;
}

/** Reports on SQLite, one row per (site, period, start); the first write wins. */
export class ReportStore {
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly latestStmt: Database.Statement;
  private readonly startsStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO reports (site, period, start, "end", generated_at, index_value, level, summary, body)
       VALUES (@site, @period, @start, @end, @generatedAt, @index, @level, @summary, @body)`,
    );
    this.getStmt = db.prepare('SELECT summary, body FROM reports WHERE site = ? AND period = ? AND start = ?');
    this.latestStmt = db.prepare(
      'SELECT summary, body FROM reports WHERE site = ? AND period = ? ORDER BY start DESC LIMIT 1',
    );
    this.startsStmt = db.prepare(
      'SELECT start FROM reports WHERE site = ? AND period = ? AND start >= ? ORDER BY start',
    );
  }

  /** True when stored, false when a report for the same (site, period, start) was already there. */
  insert(report: Report, summary: ReportSummary): boolean {
    const info = this.insertStmt.run({
      site: report.site,
      period: report.period,
      start: report.start,
      end: report.end,
      generatedAt: report.generatedAt,
      index: summary.index,
      level: summary.level,
      summary: JSON.stringify(summary),
      body: JSON.stringify(report),
    });
    return info.changes > 0;
  }

  get(site: string, period: ReportPeriod, start: number): Report | null {
    const row = this.getStmt.get(site, period, start) as Row | undefined;
    return row ? Report.parse(JSON.parse(row.body)) : null;
  }

  latest(site: string, period: ReportPeriod): Report | null {
    const row = this.latestStmt.get(site, period) as Row | undefined;
    return row ? Report.parse(JSON.parse(row.body)) : null;
  }

  starts(site: string, period: ReportPeriod, since: number): number[] {
    return (this.startsStmt.all(site, period, since) as { start: number }[]).map((r) => r.start);
  }

  summaries(filter: { site?: string; period?: ReportPeriod; since?: number; limit?: number } = {}): ReportSummary[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.site !== undefined) {
      where.push('site = ?');
      args.push(filter.site);
    }
    if (filter.period !== undefined) {
      where.push('period = ?');
      args.push(filter.period);
    }
    if (filter.since !== undefined) {
      where.push('start >= ?');
      args.push(filter.since);
    }
    const sql = `SELECT summary FROM reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY start DESC, site LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, filter.limit ?? 1000) as { summary: string }[];
    return rows.map((r) => ReportSummary.parse(JSON.parse(r.summary)));
  }

  count(site: string, period: ReportPeriod): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM reports WHERE site = ? AND period = ?').get(site, period);
    return (row as { n: number }).n;
  }
}
