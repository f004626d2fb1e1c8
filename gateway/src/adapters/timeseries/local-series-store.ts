import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../domain/clock.ts';
import {
  HistoryQuery,
  type HistoryQuery as HistoryQueryType,
  type HistoryReader,
  type HistoryResult,
  historyPoint,
  type OccupancyHistory,
  sortSeries,
} from './history-reader.ts';
import { plainFields, type SeriesPoint } from './series-point.ts';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Time series kept in the ledger's SQLite file (`ts_local`) when no InfluxDB is configured, so the embedded demo has
 * history. Bounded: rows older than the retention are pruned by time.
 */
export class LocalSeriesStore implements HistoryReader {
  private readonly insert: Statement<[string, string, string, number, string, string]>;
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ts_local (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        measurement TEXT NOT NULL,
        site TEXT NOT NULL,
        zone TEXT NOT NULL,
        ts INTEGER NOT NULL,
        tags TEXT NOT NULL,
        fields TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ts_local_by_series ON ts_local (measurement, site, ts);
      CREATE INDEX IF NOT EXISTS ts_local_by_ts ON ts_local (ts);
    `);
    this.insert = db.prepare(
      'INSERT INTO ts_local (measurement, site, zone, ts, tags, fields) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  /** Stores points in one transaction; prunes at most once an hour. */
  append(points: readonly SeriesPoint[]): void {
    this.db.transaction((all: readonly SeriesPoint[]) => {
      for (const p of all) {
        this.insert.run(
          p.measurement,
          p.tags.site ?? '',
          p.tags.zone ?? '',
          p.ts,
          JSON.stringify(p.tags),
          JSON.stringify(plainFields(p)),
        );
      }
    })(points);
    const now = this.clock.now();
    if (now - this.lastPruneAt >= 60 * 60_000) this.prune(now);
  }

  /** Deletes rows older than the retention; returns how many. */
  prune(now: number = this.clock.now()): number {
    this.lastPruneAt = now;
    return this.db.prepare('DELETE FROM ts_local WHERE ts < ?').run(now - this.retentionDays * DAY_MS).changes;
  }

  count(measurement?: string): number {
    const row = (
      measurement === undefined
        ? this.db.prepare('SELECT count(*) AS n FROM ts_local').get()
        : this.db.prepare('SELECT count(*) AS n FROM ts_local WHERE measurement = ?').get(measurement)
    ) as { n: number };
    return row.n;
  }

  async occupancy(input: HistoryQueryType): Promise<HistoryResult> {
    const q = HistoryQuery.parse(input);
    const rows = this.db
      .prepare(
        `SELECT zone, ts - (ts % @interval) AS bucket,
                avg(json_extract(fields, '$.occupied')) AS occupied,
                avg(json_extract(fields, '$.free')) AS free,
                max(json_extract(fields, '$.capacity')) AS capacity
           FROM ts_local
          WHERE measurement = 'occupancy' AND site = @site AND ts >= @from AND ts < @to
                ${q.zone === undefined ? '' : 'AND zone = @zone'}
          GROUP BY zone, bucket
          ORDER BY zone, bucket`,
      )
      .all({ interval: q.intervalMs, site: q.site, from: q.from, to: q.to, ...(q.zone ? { zone: q.zone } : {}) }) as {
      zone: string;
      bucket: number;
      occupied: number;
      free: number;
      capacity: number;
    }[];
    const byZone = new Map<string, OccupancyHistory['series'][number]>();
    for (const r of rows) {
      let series = byZone.get(r.zone);
      if (!series) {
        series = { zone: r.zone === '' ? null : r.zone, points: [] };
        byZone.set(r.zone, series);
      }
      series.points.push(historyPoint(r.bucket, r.occupied, r.free, r.capacity));
    }
    const history = { site: q.site, from: q.from, to: q.to, intervalMs: q.intervalMs, series: [...byZone.values()] };
    return { ok: true, history: { ...history, series: sortSeries(history.series) } };
  }
}
