import { z } from 'zod';
import type { InfluxHttp } from './influx-http.ts';

export const HistoryQuery = z
  .object({
    site: z.string().min(1),
    from: z.int().min(0),
    to: z.int().min(0),
    intervalMs: z.int().min(1000),
    /** One zone only; absent: the site line and every zone. */
    zone: z.string().min(1).optional(),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const HistoryPoint = z.object({
  /** Start of the bucket (epoch ms, buckets aligned on the epoch as InfluxQL does). */
  ts: z.int(),
  occupied: z.number(),
  free: z.number(),
  capacity: z.number(),
  /** occupied / capacity (0 when capacity is 0). */
  ratio: z.number(),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

export const OccupancyHistory = z.object({
  site: z.string(),
  from: z.int(),
  to: z.int(),
  intervalMs: z.int(),
  /** zone null: the whole site. Site first, then zones by id. */
  series: z.array(z.object({ zone: z.string().nullable(), points: z.array(HistoryPoint) })),
});
export type OccupancyHistory = z.infer<typeof OccupancyHistory>;

export type HistoryResult = { ok: true; history: OccupancyHistory } | { ok: false; reason: string };

/** Occupancy over a period, from InfluxDB or from the local store: one interface, one result shape. */
export interface HistoryReader {
  occupancy(query: HistoryQuery): Promise<HistoryResult>;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function historyPoint(ts: number, occupied: number, free: number, capacity: number): HistoryPoint {
  return {
    ts,
    occupied: round3(occupied),
    free: round3(free),
    capacity: round3(capacity),
    ratio: capacity > 0 ? round3(occupied / capacity) : 0,
  };
}

export function sortSeries(series: OccupancyHistory['series']): OccupancyHistory['series'] {
  return [...series].sort((a, b) => (a.zone === null ? -1 : b.zone === null ? 1 : a.zone.localeCompare(b.zone)));
}

function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export function occupancyInfluxQL(q: HistoryQuery): string {
  const zone = q.zone === undefined ? '' : ` AND "zone" = ${quote(q.zone)}`;
  return (
    'SELECT mean("occupied") AS "occupied", mean("free") AS "free", max("capacity") AS "capacity" FROM "occupancy"' +
    ` WHERE "site" = ${quote(q.site)}${zone} AND time >= ${q.from}ms AND time < ${q.to}ms` +
    ` GROUP BY time(${q.intervalMs}ms), "zone" fill(none)`
  );
}

const QueryResponse = z.object({
  results: z.array(
    z.object({
      error: z.string().optional(),
      series: z
        .array(
          z.object({
            tags: z.record(z.string(), z.string()).optional(),
            columns: z.array(z.string()),
            values: z.array(z.array(z.union([z.number(), z.string(), z.null()]))),
          }),
        )
        .optional(),
    }),
  ),
});

/** History from InfluxDB with InfluxQL over `/query`. */
export class InfluxHistoryReader implements HistoryReader {
  constructor(private readonly http: InfluxHttp) {}

  async occupancy(input: HistoryQuery): Promise<HistoryResult> {
    const query = HistoryQuery.parse(input);
    const outcome = await this.http.query(occupancyInfluxQL(query));
    if (!outcome.ok) return { ok: false, reason: `InfluxDB ${outcome.status ?? 'unreachable'}: ${outcome.message}` };
    const parsed = QueryResponse.safeParse(outcome.body);
    if (!parsed.success) return { ok: false, reason: `unexpected /query answer: ${parsed.error.message}` };
    const result = parsed.data.results[0];
    if (result?.error) return { ok: false, reason: result.error };
    const series = (result?.series ?? []).map(function toSeries(s) {
      const col = (name: string) => s.columns.indexOf(name);
      const [t, o, f, c] = [col('time'), col('occupied'), col('free'), col('capacity')];
      const zone = s.tags?.zone ? s.tags.zone : null;
      const points = s.values.map((v) => historyPoint(Number(v[t]), Number(v[o]), Number(v[f]), Number(v[c])));
      return { zone, points };
    });
    const history = { site: query.site, from: query.from, to: query.to, intervalMs: query.intervalMs, series };
    return { ok: true, history: { ...history, series: sortSeries(series) } };
  }
}
