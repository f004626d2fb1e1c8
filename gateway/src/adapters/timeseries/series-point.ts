import { Point } from '@influxdata/influxdb-client';

export type FieldValue = number | boolean | string | { int: number };

/** One time-series point, before it becomes line protocol (outbox) or a row (local store). */
export interface SeriesPoint {
  measurement: string;
  tags: Record<string, string | undefined>;
  fields: Record<string, FieldValue | undefined>;
  /** Epoch ms. */
  ts: number;
}

/** Integer field (`42i` in line protocol); plain numbers are floats. */
export function int(value: number): { int: number } {
  return { int: Math.trunc(value) };
}

/** Line protocol with ms timestamps, built by the client's `Point` (escaping included). */
export function toLine(point: SeriesPoint): string {
  const p = new Point(point.measurement);
  for (const [key, value] of Object.entries(point.tags)) if (value !== undefined && value !== '') p.tag(key, value);
  for (const [key, value] of Object.entries(point.fields)) {
    if (value === undefined) continue;
    if (typeof value === 'object') p.intField(key, value.int);
    else if (typeof value === 'number') p.floatField(key, value);
    else if (typeof value === 'boolean') p.booleanField(key, value);
    else p.stringField(key, value);
  }
  p.timestamp(point.ts);
  const line = p.toLineProtocol();
  if (line === undefined) throw new Error(`point without fields: ${point.measurement}`);
  return line;
}

/** Plain JSON values of the fields, for the local store. */
export function plainFields(point: SeriesPoint): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const [key, value] of Object.entries(point.fields)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'object' ? value.int : value;
  }
  return out;
}
