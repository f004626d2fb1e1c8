import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeIndicators } from '../../../gateway/src/domain/indicators/compute-indicators.ts';
import {
  BIRMINGHAM_SCHEDULE,
  carParkReportInput,
  DEFAULT_BIRMINGHAM_CSV,
  feedScheduleFromArgs,
  gateCountEvents,
  loadBirmingham,
  parseBirmingham,
} from './birmingham.ts';

const H = 3_600_000;
const Q = 15 * 60_000;
/** The feed's hold: one 30-minute interval plus the 5 minutes its readings may be late (#12.1). */
const HOLD = 35 * 60_000;
const data = loadBirmingham();

/** UK wall time → epoch for this file only: BST (UTC+1) before 2016-10-30, GMT from then on. */
function uk(y: number, m: number, d: number, h = 0, mi = 0, s = 0): number {
  const utc = Date.UTC(y, m - 1, d, h, mi, s);
  return utc < Date.UTC(2016, 9, 30, 1) ? utc - H : utc;
}

/** Straight from the file: unique lines of one car park, negatives as 0, sorted. */
function rawReadings(code: string): { at: number; occ: number; cap: number }[] {
  const lines = readFileSync(DEFAULT_BIRMINGHAM_CSV, 'utf8').split('\n').slice(1);
  const unique = [...new Set(lines.filter((l) => l.startsWith(`${code},`)))];
  return unique
    .map((l) => {
      const [, cap, occ, stamp] = l.split(',') as [string, string, string, string];
      const [date, time] = stamp.split(' ') as [string, string];
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
      return { at: uk(y, m, d, h, mi, s), occ: Math.max(0, Number(occ)), cap: Number(cap) };
    })
    .sort((a, b) => a.at - b.at);
}

/** The feed's published hours, 08:00–16:30 UK time, of each day in [from, to) (#12.2). */
function windows(from: number, to: number): { s: number; e: number }[] {
  const out: { s: number; e: number }[] = [];
  const first = new Date(from + 12 * H);
  for (let k = 0; ; k++) {
    const y = first.getUTCFullYear();
    const m = first.getUTCMonth() + 1;
    const d = first.getUTCDate() + k;
    const s = uk(y, m, d, 8, 0);
    if (s >= to) break;
    out.push({ s, e: uk(y, m, d, 16, 30) });
  }
  return out;
}

/**
 * A plain loop over reading intervals (each held until the next reading or 35 minutes), over 15-minute windows, and
 * over the published hours for completeness.
 */
function expected(code: string, from: number, to: number) {
  const rs = rawReadings(code);
  const open = windows(from, to);
  let inWindow = 0;
  let known = 0;
  let integral = 0;
  let saturated = 0;
  let overflow = 0;
  const segments: { s: number; e: number; ratio: number }[] = [];
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!;
    const next = rs[i + 1]?.at ?? Number.POSITIVE_INFINITY;
    const s = Math.max(r.at, from);
    const e = Math.min(next, r.at + HOLD, to);
    if (e <= s) continue;
    const len = e - s;
    known += len;
    for (const w of open) inWindow += Math.max(0, Math.min(e, w.e) - Math.max(s, w.s));
    // Rates capped at capacity; cars beyond it are overflow (#12.6).
    const ratio = Math.min(r.occ, r.cap) / r.cap;
    integral += ratio * len;
    if (ratio >= 0.85) saturated += len;
    if (r.occ > r.cap) overflow += len;
    segments.push({ s, e, ratio });
  }
  let peak: number | null = null;
  for (let w = from; w < to; w += Q) {
    let wKnown = 0;
    let wInt = 0;
    for (const seg of segments) {
      const len = Math.min(seg.e, w + Q) - Math.max(seg.s, w);
      if (len > 0) {
        wKnown += len;
        wInt += seg.ratio * len;
      }
    }
    if (wKnown >= Q / 2 && (peak === null || wInt / wKnown > peak)) peak = wInt / wKnown;
  }
  return {
    mean: known > 0 ? integral / known : null,
    peak,
    saturationHours: saturated / H,
    overflowHours: overflow / H,
    completeness: inWindow / open.reduce((sum, w) => sum + (w.e - w.s), 0),
  };
}

const cases: [string, string, number, number][] = [
  ['BHMBCCTHL01', 'November 2016', uk(2016, 11, 1), uk(2016, 12, 1)],
  ['BHMBCCTHL01', 'week across the DST change', uk(2016, 10, 24), uk(2016, 10, 31)],
  ['NIA North', 'October 2016 (negatives, sparse)', uk(2016, 10, 1), uk(2016, 11, 1)],
  ['BHMNCPPLS01', 'week with duplicates and gaps', uk(2016, 11, 21), uk(2016, 11, 28)],
  ['Broad Street', 'a missing day', uk(2016, 10, 20), uk(2016, 10, 21)],
  ['BHMBRCBRG01', 'December 2016 to the end of the data', uk(2016, 12, 1), uk(2017, 1, 1)],
  ['Shopping', 'one ordinary day', uk(2016, 11, 15), uk(2016, 11, 16)],
];

describe('Birmingham replay against the file', () => {
  it('drops exact duplicates, clamps negatives and keeps over-capacity readings', () => {
    expect(data.parks).toHaveLength(30);
    expect(data.stats.rows).toBe(35_717);
    expect(data.stats.duplicatesDropped).toBe(216);
    expect(data.stats.negativeClamped).toBe(12);
    expect(data.stats.badRows).toBe(0);
    const lines = [...new Set(readFileSync(DEFAULT_BIRMINGHAM_CSV, 'utf8').split('\n').slice(1).filter(Boolean))];
    const over = lines.filter((l) => {
      const [, cap, occ] = l.split(',');
      return Number(occ) > Number(cap);
    }).length;
    expect(data.stats.overCapacity).toBe(over);
  });

  it.each(cases)(
    '%s, %s: mean, peak, saturation, overflow and completeness match a plain loop',
    (code, _label, from, to) => {
      const park = data.parks.find((p) => p.code === code)!;
      const r = computeIndicators(carParkReportInput(park, from, to));
      const x = expected(code, from, to);
      if (x.mean === null) expect(r.site.meanOccupancy).toBeNull();
      else expect(r.site.meanOccupancy).toBeCloseTo(x.mean, 9);
      if (x.peak === null) expect(r.site.peakOccupancy).toBeNull();
      else expect(r.site.peakOccupancy).toBeCloseTo(x.peak, 9);
      expect(r.site.saturationHours).toBeCloseTo(x.saturationHours, 9);
      expect(r.site.overflowHours).toBeCloseTo(x.overflowHours, 9);
      expect(r.site.completeness).toBeCloseTo(x.completeness, 9);
    },
  );

  it('a full daytime day of the feed is complete against its published hours (#12.2)', () => {
    const park = data.parks.find((p) => p.code === 'Shopping')!;
    const r = computeIndicators(carParkReportInput(park, uk(2016, 11, 15), uk(2016, 11, 16)));
    // Against 24 h this day read 37%; against 08:00–16:30 it is whole, bar the minutes before the first reading.
    expect(r.site.expectedHours).toBe(8.5);
    expect(Math.abs(r.site.completeness - 1)).toBeLessThanOrEqual(0.01);
    // No low-coverage warning (it fired on every day of this feed when measured against 24 h).
    expect(r.dataQuality.flags).toEqual([]);
    expect(r.zones[0]?.rule.hold.en).toBe(
      'imported feed: a reading holds until the next one, at most 35 min (sampled every 30 min, up to 5 min late); longer is missing data',
    );
  });

  it('NIA North, with data on 9 of the 77 days, gets "not enough data" instead of a level (#12.3)', () => {
    const days = (park: (typeof data.parks)[number]) =>
      new Set(park.readings.map((r) => new Date(r.at).toISOString().slice(0, 10))).size;
    const park = data.parks.find((p) => p.code === 'NIA North')!;
    expect(days(park)).toBe(9);
    // The whole file: 2016-10-04 to 2016-12-19, 77 local days.
    const from = uk(2016, 10, 4);
    const to = uk(2016, 12, 20);
    const r = computeIndicators(carParkReportInput(park, from, to));
    expect(r.index.basis.localDays).toBe(77);
    expect(r.site.completeness).toBeLessThan(0.5);
    expect(r.index.value).toBeNull();
    expect(r.index.level).toBeNull();
    expect(r.index.reasons.zh).toMatch(/^数据不足：占用数据仅覆盖应有观测时长的\d+%（低于50%），不评定等级$/);
    // A park with data on most days is rated.
    const full = data.parks.find((p) => p.code === 'Shopping')!;
    expect(computeIndicators(carParkReportInput(full, from, to)).index.level).not.toBeNull();
  });

  it('takes capacity from every row: a change is a capacity version, and each interval is rated against its own (#12.7)', () => {
    const text = [
      'SystemCodeNumber,Capacity,Occupancy,LastUpdated',
      'TEST01,100,50,2016-11-15 08:00:00',
      'TEST01,100,50,2016-11-15 08:30:00',
      'TEST01,80,60,2016-11-15 09:00:00',
      'TEST01,80,80,2016-11-15 09:30:00',
    ].join('\n');
    const park = parseBirmingham(text).parks[0]!;
    expect(park.capacity).toBe(100);
    expect(park.capacityChanges).toEqual([{ at: uk(2016, 11, 15, 9), capacity: 80 }]);
    const r = computeIndicators(carParkReportInput(park, uk(2016, 11, 15), uk(2016, 11, 16)));
    // Each reading held 35 min at most: 08:00–09:00 at 50/100, 09:00–09:30 at 60/80, 09:30–10:05 at 80/80.
    // Mean (0.5·60 + 0.75·30 + 1·35) / 125 min = 0.7 (with the first row's 100 spaces throughout it read 0.608).
    expect(r.site.meanOccupancy).toBeCloseTo(87.5 / 125, 12);
    // At or above 0.85 only 09:30–10:05 (80 of 80): 35 min.
    expect(r.site.saturationHours).toBeCloseTo(35 / 60, 12);
  });

  it('reads the feed schedule from flags, refusing a bad one with the flag and the reason (#12.2)', () => {
    expect(feedScheduleFromArgs([])).toEqual(BIRMINGHAM_SCHEDULE);
    expect(
      feedScheduleFromArgs(['--interval', '15', '--late', '0', '--window', '07:00-12:00', '--window', '13:00-19:00']),
    ).toEqual({
      intervalMinutes: 15,
      toleranceMinutes: 0,
      expected: [
        { from: '07:00', to: '12:00' },
        { from: '13:00', to: '19:00' },
      ],
    });
    expect(() => feedScheduleFromArgs(['--window', '8-16'])).toThrow('--window: must be HH:MM (00:00–24:00)');
    expect(() => feedScheduleFromArgs(['--interval', 'half'])).toThrow('--interval:');
    // Read under a 15-minute schedule, a day of 30-minute readings is full of gaps.
    const park = data.parks.find((p) => p.code === 'Shopping')!;
    const tight = feedScheduleFromArgs(['--interval', '15', '--late', '0']);
    const r = computeIndicators(carParkReportInput(park, uk(2016, 11, 15), uk(2016, 11, 16), tight));
    expect(r.zones[0]?.rule.holdMinutes).toBe(15);
    expect(r.site.completeness).toBeLessThan(0.6);
  });

  it('reports the missing day as incomplete instead of averaging over it', () => {
    const park = data.parks.find((p) => p.code === 'Broad Street')!;
    const r = computeIndicators(carParkReportInput(park, uk(2016, 10, 19), uk(2016, 10, 22)));
    const days = r.site.detail?.days.map((d) => [d.date, d.completeness > 0, d.meanOccupancy === null]);
    expect(days).toEqual([
      ['2016-10-19', true, false],
      ['2016-10-20', false, true],
      ['2016-10-21', false, true],
    ]);
    expect(r.dataQuality.flags.length).toBeGreaterThan(0);
  });

  it('shows the overflow of BHMBCCTHL01 (403/387 on 2016-12-18)', () => {
    const park = data.parks.find((p) => p.code === 'BHMBCCTHL01')!;
    const r = computeIndicators(carParkReportInput(park, uk(2016, 12, 18), uk(2016, 12, 19)));
    expect(r.site.overflowHours).toBeGreaterThan(0);
    // The rates stop at 100%; the 16 cars beyond the 387 spaces are their own figure (#12.6).
    expect(r.site.peakOccupancy).toBe(1);
    expect(r.site.maxOverflow).toBe(403 - 387);
  });

  it('generates gate-count events that reproduce every reading', () => {
    const park = data.parks.find((p) => p.code === 'NIA North')!;
    let count = 0;
    let last = Number.NEGATIVE_INFINITY;
    const events = [...gateCountEvents(park)];
    let e = 0;
    for (const reading of park.readings) {
      while (e < events.length && events[e]!.at <= reading.at) {
        const event = events[e++]!;
        expect(event.at).toBeGreaterThanOrEqual(last);
        last = event.at;
        count += event.lane === 'entry' ? 1 : -1;
      }
      expect(count).toBe(reading.occupancy);
    }
    expect(new Set(events.map((x) => x.eventId)).size).toBe(events.length);
  });
});
