import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RestartableServer, startInfluxDb1, startVictoriaMetrics } from '../../../../test/servers.ts';
import { ManualClock } from '../../domain/clock.ts';
import { createTimeSeries, type TimeSeries, TimeSeriesConfig, type TimeSeriesConfigInput } from './index.ts';
import { CountingSink, DAY_START, simulateDay } from './testing/simulated-day.ts';

/** The field every point of a measurement carries, to count points read back. */
const COUNTED_FIELD: Record<string, string> = {
  occupancy: 'capacity',
  space_state: 'occupied',
  gate_decision: 'count',
  gate_passage: 'count',
  probe: 'v',
};

const dirs: string[] = [];
const opened: { series: TimeSeries; db: Database.Database }[] = [];

function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parking-ts-'));
  dirs.push(dir);
  return join(dir, 'ledger.sqlite');
}

function open(file: string, config: TimeSeriesConfigInput): TimeSeries {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const series = createTimeSeries({
    db,
    config: TimeSeriesConfig.parse({ minRetryDelayMs: 20, maxRetryDelayMs: 200, batchDelayMs: 5, ...config }),
    clock: new ManualClock(DAY_START),
    random: () => 0.5,
  });
  opened.push({ series, db });
  return series;
}

async function close(series: TimeSeries): Promise<void> {
  await series.stop();
  const entry = opened.find((o) => o.series === series);
  entry?.db.close();
  opened.splice(opened.indexOf(entry as (typeof opened)[number]), 1);
}

afterEach(async () => {
  for (const { series, db } of opened.splice(0)) {
    await series.stop();
    db.close();
  }
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function influxql(server: RestartableServer, q: string, db?: string): Promise<unknown> {
  const params = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const response = await fetch(`${server.url}/query?${params}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return response.json();
}

async function countInInflux(server: RestartableServer, db: string, measurement: string): Promise<number> {
  const field = COUNTED_FIELD[measurement] ?? 'count';
  const body = (await influxql(server, `SELECT count("${field}") FROM "${measurement}"`, db)) as {
    results: { series?: { values: [number, number][] }[] }[];
  };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

async function countsInInflux(server: RestartableServer, db: string, measurements: string[]) {
  const out: Record<string, number> = {};
  for (const m of measurements) out[m] = await countInInflux(server, db, m);
  return out;
}

describe('time series through a real InfluxDB 1.x (v1 mode)', () => {
  let influx: RestartableServer;
  let n = 0;
  beforeAll(async () => {
    influx = await startInfluxDb1();
  });
  afterAll(async () => {
    await influx?.stop();
  });

  async function freshDb(): Promise<string> {
    const db = `parking_${++n}`;
    await influxql(influx, `CREATE DATABASE ${db}`);
    return db;
  }

  it('lands every point of a simulated day, once', async () => {
    const db = await freshDb();
    const series = open(sqliteFile(), { url: influx.url, mode: 'v1', db });
    const produced = new CountingSink();
    series.start();
    await simulateDay([produced, series.sink]);
    const status = await series.writer?.waitFor((s) => s.outboxSize === 0);
    expect(status).toMatchObject({ outboxSize: 0, deadLetters: 0, alarm: null, sent: produced.total() });
    const counts = await countsInInflux(influx, db, [...produced.counts.keys()]);
    expect(counts).toEqual(Object.fromEntries(produced.counts));
    expect(produced.counts.get('occupancy')).toBe(288 * 3);
  });

  it('keeps points while the server is down and drains them when it is back (same data dir)', async () => {
    const db = await freshDb();
    const series = open(sqliteFile(), { url: influx.url, mode: 'v1', db });
    const produced = new CountingSink();
    const writer = series.writer!;
    series.start();
    let failuresSeen = 0;
    await simulateDay([produced, series.sink], {
      steps: 96,
      async onStep(step) {
        if (step === 30) {
          await writer.waitFor((s) => s.outboxSize === 0);
          await influx.halt();
        }
        if (step === 60) {
          const down = await writer.waitFor((s) => s.consecutiveFailures >= 2);
          failuresSeen = down.consecutiveFailures;
          expect(down.outboxSize).toBeGreaterThan(0);
          expect(down.lastError?.status).toBeNull();
          await influx.resume();
        }
      },
    });
    expect(failuresSeen).toBeGreaterThanOrEqual(2);
    const status = await writer.waitFor((s) => s.outboxSize === 0);
    expect(status).toMatchObject({ consecutiveFailures: 0, deadLetters: 0, sent: produced.total() });
    const counts = await countsInInflux(influx, db, [...produced.counts.keys()]);
    expect(counts).toEqual(Object.fromEntries(produced.counts));
  });

  it('loses nothing when the writer restarts on the same SQLite file with a full outbox', async () => {
    const db = await freshDb();
    const file = sqliteFile();
    const first = open(file, { url: influx.url, mode: 'v1', db });
    const again = new CountingSink();
    await simulateDay([again, first.sink], { steps: 48 });
    const queued = first.outbox!.size();
    expect(queued).toBe(again.total());
    await close(first);

    const second = open(file, { url: influx.url, mode: 'v1', db });
    expect(second.outbox!.size()).toBe(queued);
    second.start();
    await second.writer!.waitFor((s) => s.outboxSize === 0);
    const counts = await countsInInflux(influx, db, [...again.counts.keys()]);
    expect(counts).toEqual(Object.fromEntries(again.counts));
  });

  it('dead-letters the one malformed line of a batch with the server message and lands the rest', async () => {
    const db = await freshDb();
    const series = open(sqliteFile(), { url: influx.url, mode: 'v1', db });
    const good = Array.from({ length: 11 }, (_, i) => `probe,site=s1 v=${i}i ${DAY_START + i}`);
    series.outbox!.append([...good.slice(0, 7), 'probe,site=s1 v=oops=1 12', ...good.slice(7)]);
    series.start();
    const status = await series.writer!.waitFor((s) => s.outboxSize === 0);
    expect(status.deadLetters).toBe(1);
    const [dead] = series.outbox!.deadLetters();
    expect(dead).toMatchObject({ line: 'probe,site=s1 v=oops=1 12', status: 400 });
    expect(dead?.message).toMatch(/unable to parse|invalid/i);
    expect(await countInInflux(influx, db, 'probe')).toBe(11);
  });

  it('keeps data and raises the alarm on 404 (no such database), and clears it once the database exists', async () => {
    const db = `missing_${++n}`;
    const series = open(sqliteFile(), { url: influx.url, mode: 'v1', db });
    series.outbox!.append(['probe v=1i 1000', 'probe v=2i 2000']);
    series.start();
    const alarmed = await series.writer!.waitFor((s) => s.alarm !== null);
    expect(alarmed.alarm).toMatchObject({ status: 404 });
    expect(alarmed.alarm?.message).toMatch(/database not found/);
    expect(alarmed.outboxSize).toBe(2);
    expect(series.status()).toMatchObject({ target: 'influxdb', mode: 'v1', outboxSize: 2 });
    await influxql(influx, `CREATE DATABASE ${db}`);
    const cleared = await series.writer!.waitFor((s) => s.outboxSize === 0);
    expect(cleared.alarm).toBeNull();
    expect(await countInInflux(influx, db, 'probe')).toBe(2);
  });

  it('reads the same occupancy history from InfluxDB and from the local store', async () => {
    const db = await freshDb();
    const remote = open(sqliteFile(), { url: influx.url, mode: 'v1', db });
    const local = open(sqliteFile(), {});
    remote.start();
    await simulateDay([remote.sink, local.sink]);
    await remote.writer!.waitFor((s) => s.outboxSize === 0);
    const query = { site: 'sim-1', from: DAY_START, to: DAY_START + 24 * 3600_000, intervalMs: 3600_000 };
    const [fromInflux, fromLocal] = await Promise.all([
      remote.history.occupancy(query),
      local.history.occupancy(query),
    ]);
    expect(fromInflux.ok).toBe(true);
    expect(fromLocal).toEqual(fromInflux);
    if (!fromLocal.ok) throw new Error(fromLocal.reason);
    expect(fromLocal.history.series.map((s) => s.zone)).toEqual([null, 'garage', 'ground']);
    expect(fromLocal.history.series[0]?.points).toHaveLength(24);
    expect(fromLocal.history.series[0]?.points[0]).toMatchObject({ ts: DAY_START, capacity: 42 });
    const oneZone = await remote.history.occupancy({ ...query, zone: 'garage' });
    expect(oneZone.ok && oneZone.history.series.map((s) => s.zone)).toEqual(['garage']);
  });
});

describe('time series through a real VictoriaMetrics (v2 mode, /api/v2/write)', () => {
  let vm: RestartableServer;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  async function exportedSamples(names: string[]): Promise<Record<string, number>> {
    await fetch(`${vm.url}/internal/force_flush`);
    const match = `{__name__=~"${names.join('|')}"}`;
    const params = new URLSearchParams({ 'match[]': match, start: String((DAY_START - 3600_000) / 1000) });
    const text = await (await fetch(`${vm.url}/api/v1/export?${params}`)).text();
    const out: Record<string, number> = {};
    for (const line of text.split('\n').filter(Boolean)) {
      const row = JSON.parse(line) as { metric: { __name__: string }; timestamps: number[] };
      out[row.metric.__name__] = (out[row.metric.__name__] ?? 0) + row.timestamps.length;
    }
    return out;
  }

  it('lands every point of a simulated day, once', async () => {
    const series = open(sqliteFile(), { url: vm.url, mode: 'v2', org: 'parking', bucket: 'parking', token: 't' });
    const produced = new CountingSink();
    series.start();
    await simulateDay([produced, series.sink]);
    await series.writer!.waitFor((s) => s.outboxSize === 0);
    const expected = Object.fromEntries(
      [...produced.counts].map(([measurement, n]) => [`${measurement}_${COUNTED_FIELD[measurement]}`, n]),
    );
    const names = Object.keys(expected);
    expect(names).toHaveLength(4);
    expect(await exportedSamples(names)).toEqual(expected);
  });

  it('keeps data and raises the alarm on 401', async () => {
    const guarded = await startVictoriaMetrics(['-httpAuth.username=gw', '-httpAuth.password=secret']);
    try {
      const file = sqliteFile();
      const series = open(file, { url: guarded.url, mode: 'v2', org: 'o', bucket: 'b', token: 'wrong' });
      series.outbox!.append(['probe v=1i 1000']);
      series.start();
      const alarmed = await series.writer!.waitFor((s) => s.alarm !== null);
      expect(alarmed).toMatchObject({ alarm: { status: 401 }, outboxSize: 1, deadLetters: 0, sent: 0 });
      await close(series);
      // Credentials fixed: the kept line goes out.
      const config = {
        url: guarded.url,
        mode: 'v2',
        org: 'o',
        bucket: 'b',
        username: 'gw',
        password: 'secret',
      } as const;
      const fixed = open(file, config);
      fixed.start();
      expect(await fixed.writer!.waitFor((s) => s.outboxSize === 0)).toMatchObject({ alarm: null, sent: 1 });
    } finally {
      await guarded.stop();
    }
  });
});
