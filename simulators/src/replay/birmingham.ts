import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DailyWindow, type ReportInput } from '../../../gateway/src/domain/indicators/indicator-input.ts';
import { localToEpoch } from '../../../gateway/src/domain/indicators/local-time.ts';
import { Site } from '../../../gateway/src/domain/site.ts';

/**
 * The UCI "Parking Birmingham" file (see /work/shared/datasets/README.md) as one site per car park with one zone.
 * Readings are UK wall-clock times; the dataset's oddities are handled as the README lists them.
 */

export const BIRMINGHAM_TIME_ZONE = 'Europe/London';
/** How an imported feed is published: its sampling interval, how late a reading may be stamped, its daily hours. */
export const FeedSchedule = z.strictObject({
  intervalMinutes: z.number().positive(),
  toleranceMinutes: z.number().min(0),
  expected: z.array(DailyWindow).min(1),
});
export type FeedSchedule = z.infer<typeof FeedSchedule>;

/**
 * Readings come every 30 minutes, stamped up to 5 minutes late (25–34 min apart on most days): a reading holds one
 * interval plus that, 35 minutes, so a missed slot is a gap (#12.1). The feed is published 08:00–16:30 local time:
 * completeness is measured against that window (#12.2).
 */
export const BIRMINGHAM_SCHEDULE: FeedSchedule = {
  intervalMinutes: 30,
  toleranceMinutes: 5,
  expected: [{ from: '08:00', to: '16:30' }],
};

/**
 * A feed schedule from command-line flags, over `base`: `--interval <min>`, `--late <min>`, `--window HH:MM-HH:MM`
 * (repeatable). Throws with the flag and the reason on a bad value.
 */
export function feedScheduleFromArgs(argv: readonly string[], base: FeedSchedule = BIRMINGHAM_SCHEDULE): FeedSchedule {
  const value = (flag: string): string[] => argv.flatMap((a, i) => (a === flag ? [argv[i + 1] ?? ''] : []));
  const [interval] = value('--interval');
  const [late] = value('--late');
  const windows = value('--window').map((w) => {
    const [from, to] = w.split('-');
    return { from: from ?? '', to: to ?? '' };
  });
  const parsed = FeedSchedule.safeParse({
    intervalMinutes: interval === undefined ? base.intervalMinutes : Number(interval),
    toleranceMinutes: late === undefined ? base.toleranceMinutes : Number(late),
    expected: windows.length > 0 ? windows : base.expected,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { intervalMinutes: '--interval', toleranceMinutes: '--late', expected: '--window' }[
      String(issue?.path[0]) as 'intervalMinutes'
    ];
    throw new Error(
      `${flag ?? 'feed schedule'}: ${issue?.message ?? 'invalid'} (e.g. --interval 30 --late 5 --window 08:00-16:30)`,
    );
  }
  return parsed.data;
}

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** The dataset beside the repository; override with BIRMINGHAM_CSV or the `file` argument. */
export const DEFAULT_BIRMINGHAM_CSV = resolve(REPO_ROOT, '../shared/datasets/birmingham-parking-2016.csv');

export interface CarPark {
  code: string;
  /** The code made safe for MQTT topics and site ids. */
  siteId: string;
  /** The capacity of the first row; later rows may change it (`capacityChanges`). */
  capacity: number;
  /** Sorted by time, duplicates dropped, negatives clamped to 0; above capacity kept (overflow). */
  readings: { at: number; occupancy: number }[];
  /** Every row whose capacity differs from the row before it: the capacity from then on (#12.7). */
  capacityChanges: { at: number; capacity: number }[];
}

export interface BirminghamData {
  parks: CarPark[];
  stats: {
    rows: number;
    duplicatesDropped: number;
    negativeClamped: number;
    overCapacity: number;
    badRows: number;
  };
}

const ROW = /^([^,]+),(\d+),(-?\d+),(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export function siteIdOf(code: string): string {
  return code.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
}

export function parseBirmingham(text: string): BirminghamData {
  const stats = { rows: 0, duplicatesDropped: 0, negativeClamped: 0, overCapacity: 0, badRows: 0 };
  const seen = new Set<string>();
  const byCode = new Map<string, { at: number; occupancy: number; capacity: number }[]>();
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    stats.rows++;
    if (seen.has(line)) {
      stats.duplicatesDropped++;
      continue;
    }
    seen.add(line);
    const m = ROW.exec(line);
    if (!m) {
      stats.badRows++;
      continue;
    }
    const [, code, cap, occ, y, mo, d, h, mi, s] = m as unknown as string[];
    const capacity = Number(cap);
    let occupancy = Number(occ);
    if (occupancy < 0) {
      stats.negativeClamped++;
      occupancy = 0;
    }
    if (occupancy > capacity) stats.overCapacity++;
    const at =
      localToEpoch(BIRMINGHAM_TIME_ZONE, Number(y), Number(mo), Number(d), Number(h), Number(mi)) + Number(s) * 1000;
    let rows = byCode.get(code as string);
    if (!rows) {
      rows = [];
      byCode.set(code as string, rows);
    }
    rows.push({ at, occupancy, capacity });
  }
  const parks: CarPark[] = [];
  for (const [code, rows] of byCode) {
    rows.sort((a, b) => a.at - b.at);
    // Capacity is read from every row, not only the first: a change is a new capacity version from that row on.
    const capacityChanges: { at: number; capacity: number }[] = [];
    rows.forEach((row, i) => {
      if (i > 0 && row.capacity !== rows[i - 1]?.capacity) capacityChanges.push({ at: row.at, capacity: row.capacity });
    });
    parks.push({
      code,
      siteId: siteIdOf(code),
      capacity: rows[0]?.capacity ?? 0,
      readings: rows.map((r) => ({ at: r.at, occupancy: r.occupancy })),
      capacityChanges,
    });
  }
  return { parks, stats };
}

export function loadBirmingham(file = process.env.BIRMINGHAM_CSV ?? DEFAULT_BIRMINGHAM_CSV): BirminghamData {
  return parseBirmingham(readFileSync(file, 'utf8'));
}

export function carParkSite(park: CarPark): Site {
  return Site.parse({
    id: park.siteId,
    name: park.code,
    timeZone: BIRMINGHAM_TIME_ZONE,
    households: 0,
    zones: [{ id: 'main', name: park.code, capacity: park.capacity }],
    gates: [
      {
        id: 'gate',
        name: 'gate',
        lanes: [
          { lane: 'entry', camera: 'cam-in', barrier: 'bar-in', display: 'led-in' },
          { lane: 'exit', camera: 'cam-out', barrier: 'bar-out', display: 'led-out' },
        ],
      },
    ],
    tariffs: ['none'],
  });
}

/**
 * The car park's readings as a ReportInput: an imported feed (held one sampling interval, expected 08:00–16:30), no
 * sessions or decisions.
 */
export function carParkReportInput(
  park: CarPark,
  from: number,
  to: number,
  schedule: FeedSchedule = BIRMINGHAM_SCHEDULE,
): ReportInput {
  return {
    site: carParkSite(park),
    from,
    to,
    capacityVersions: park.capacityChanges.map((c) => ({ zone: 'main', from: c.at, capacity: c.capacity })),
    occupancy: [
      {
        zone: 'main',
        source: 'feed',
        feed: { intervalMinutes: schedule.intervalMinutes, toleranceMinutes: schedule.toleranceMinutes },
        expected: schedule.expected,
        steps: park.readings.map((r) => ({ at: r.at, present: r.occupancy })),
      },
    ],
    sessions: [],
    decisions: [],
    sensorDowntime: [],
    disagreement: [],
    registeredVehicles: 0,
    facilities: {},
    // An occupancy feed: no stays, gate decisions, payments or vehicle register to measure (#12.5).
    measured: { sessions: false, decisions: false, payments: false, registry: false },
  };
}

export interface GateCountEvent {
  eventId: string;
  site: string;
  at: number;
  lane: 'entry' | 'exit';
}

/**
 * Entries and exits that reproduce the readings: the change between two readings is spread evenly over the interval
 * before the later one, so the count after the last event of an interval equals that reading.
 */
export function* gateCountEvents(park: CarPark): Generator<GateCountEvent> {
  let count = 0;
  let prevAt = park.readings[0] ? park.readings[0].at - 1 : 0;
  let n = 0;
  for (const reading of park.readings) {
    const delta = reading.occupancy - count;
    const steps = Math.abs(delta);
    for (let k = 1; k <= steps; k++) {
      const at = prevAt + Math.max(1, Math.floor(((reading.at - prevAt) * k) / steps));
      yield {
        eventId: `${park.siteId}-${++n}`,
        site: park.siteId,
        at: Math.min(at, reading.at),
        lane: delta > 0 ? 'entry' : 'exit',
      };
    }
    count = reading.occupancy;
    prevAt = reading.at;
  }
}

/** Progress and estimated time left on stderr, at most once a second. */
export class ProgressReporter {
  private readonly started = Date.now();
  private last = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  update(done: number): void {
    const now = Date.now();
    if (now - this.last < 1000 && done < this.total) return;
    this.last = now;
    const elapsed = (now - this.started) / 1000;
    const left = done > 0 ? (elapsed * (this.total - done)) / done : Number.NaN;
    const pct = this.total > 0 ? ((done * 100) / this.total).toFixed(1) : '100.0';
    const eta = Number.isFinite(left) ? `${left.toFixed(0)} s left` : 'estimating';
    this.out.write(`${this.label}: ${done}/${this.total} (${pct}%), ${elapsed.toFixed(0)} s elapsed, ${eta}\n`);
  }
}
