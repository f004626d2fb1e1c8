import { describe, expect, it } from 'vitest';
import { computeIndicators } from './compute-indicators.ts';
import { definitionsWith } from './definitions.ts';
import { emptyInput, fixtureSite } from './indicator-fixtures.ts';
import type { SessionRecord } from './indicator-input.ts';
import { HOUR_MS, localToEpoch } from './local-time.ts';

const H = HOUR_MS;
// 2024-03-04 00:00 Asia/Shanghai = 2024-03-03T16:00Z.
const DAY0 = Date.UTC(2024, 2, 3, 16);
const noFlags = { fuzzy: false, noEntryRecord: false, manualOpen: false, visitorOverstay: false };

function session(p: Partial<SessionRecord> & Pick<SessionRecord, 'id' | 'entryAt' | 'exitAt'>): SessionRecord {
  return { userClass: 'temporary', vehicleClass: 'small', feeFen: 0, paidFen: 0, flags: noFlags, ...p };
}

describe('computeIndicators: a hand-worked day (capacity 10, Asia/Shanghai)', () => {
  const site = fixtureSite([10]);
  const input = {
    ...emptyInput(site, DAY0, DAY0 + 24 * H),
    occupancy: [
      {
        zone: 'z1',
        holdMinutes: null,
        steps: [
          { at: DAY0, present: 2 },
          { at: DAY0 + 8 * H, present: 9 },
          { at: DAY0 + 10 * H, present: 11 },
          { at: DAY0 + 11 * H, present: 5 },
          { at: DAY0 + 23 * H, present: 8 },
        ],
      },
    ],
    sessions: [
      session({ id: 's1', userClass: 'resident', entryAt: DAY0 + 7 * H, exitAt: DAY0 + 9.5 * H }),
      session({
        id: 's2',
        userClass: 'visitor',
        entryAt: DAY0 + 10 * H,
        exitAt: DAY0 + 12 * H,
        feeFen: 500,
        paidFen: 500,
        flags: { ...noFlags, fuzzy: true },
      }),
      session({ id: 's3', entryAt: DAY0 - H, exitAt: DAY0 + H, feeFen: 300, paidFen: 300 }),
      session({ id: 's4', entryAt: DAY0 + 20 * H, exitAt: null }),
      session({
        id: 's5',
        entryAt: DAY0 + 15 * H,
        exitAt: DAY0 + 15 * H,
        vehicleClass: 'large',
        feeFen: 1000,
        paidFen: 1000,
        flags: { ...noFlags, noEntryRecord: true },
      }),
    ],
    decisions: [
      ...Array.from({ length: 8 }, (_, i) => ({
        at: DAY0 + i * H,
        lane: 'entry' as const,
        action: 'allow' as const,
        reason: 'ok',
      })),
      { at: DAY0 + 10 * H, lane: 'entry' as const, action: 'deny' as const, reason: 'full' },
      { at: DAY0 + 11 * H, lane: 'entry' as const, action: 'deny' as const, reason: 'blacklist' },
      { at: DAY0 + 12 * H, lane: 'entry' as const, action: 'refer' as const, reason: 'noPlate' },
      { at: DAY0 + 13 * H, lane: 'exit' as const, action: 'deny' as const, reason: 'unpaid' },
    ],
  };
  const r = computeIndicators(input);

  it('integrates the occupancy step function exactly', () => {
    // Rates are capped at capacity (#12.6): the 11 cars of 10:00–11:00 count 10.
    // ∫min(A, C) dt = 2·8 + 9·2 + 10·1 + 5·12 + 8·1 = 112 vehicle-hours; / (10 spaces · 24 h) = 0.466…
    expect(r.site.meanOccupancy).toBeCloseTo(112 / 240, 12);
    // The 15-minute windows 10:00–11:00 are full: 100%, not 110%; the extra car is overflow.
    expect(r.site.peakOccupancy).toBeCloseTo(1, 12);
    expect(r.site.peakAt).toBe(DAY0 + 10 * H);
    expect(r.site.maxOverflow).toBe(1);
    // Sustained (#12.4): the 96 quarter means sorted are 32 × 0.2, 48 × 0.5, 4 × 0.8, 8 × 0.9, 4 × 1.0; the 85th
    // percentile is rank ⌈0.85 · 96⌉ = 82: 0.8.
    expect(r.site.sustainedOccupancy).toBeCloseTo(0.8, 12);
    // Night 22:00–06:00: 2·6 + 5·1 + 8·1 = 25 vehicle-hours over 8 h · 10 spaces.
    expect(r.site.nightOccupancy).toBeCloseTo(25 / 80, 12);
    // ≥ 0.85: 08:00–10:00 (0.9) and 10:00–11:00 (1.1).
    expect(r.site.saturationHours).toBeCloseTo(3, 12);
    expect(r.site.overflowHours).toBeCloseTo(1, 12);
    expect(r.site.completeness).toBe(1);
    expect(r.site.gapCount).toBe(0);
    expect(r.site.detail?.days).toHaveLength(1);
    expect(r.site.detail?.days[0]?.date).toBe('2024-03-04');
    // Hour 10 local is all full (capped), hour 9 all 0.9.
    expect(r.site.detail?.hourlyProfile[10]).toBeCloseTo(1, 12);
    expect(r.site.detail?.hourlyProfile[9]).toBeCloseTo(0.9, 12);
    // 2024-03-04 is a Monday: weekday row 0 has hours 8, 9 and 10 saturated.
    expect(r.site.detail?.saturationHeatmap[0]?.slice(7, 12)).toEqual([0, 1, 1, 1, 0]);
  });

  it('clips sessions to the period and counts each figure', () => {
    // Sessions of the period: s1, s2, s4, s5 (s3 entered the day before).
    expect(r.sessions.sessions).toBe(4);
    expect(r.sessions.stillInside).toBe(1);
    // Clipped stays: s1 2.5 + s2 2 + s3 1 + s4 4 + s5 0 = 9.5 h over 240 space-hours.
    expect(r.sessions.spaceHourUtilisation).toBeCloseTo(9.5 / 240, 12);
    // 4 entries / 10 space-days.
    expect(r.sessions.turnover).toBeCloseTo(0.4, 12);
    // Whole stays of finished sessions: (2.5 + 2) / 2.
    expect(r.sessions.meanDwellHours).toBeCloseTo(2.25, 12);
    expect(r.sessions.meanDwellHoursByClass).toEqual({ resident: 2.5, visitor: 2 });
    // One fuzzy (s2), one no-entry-record (s5): 2 × 100 / 4.
    expect(r.sessions.exceptions).toMatchObject({ fuzzy: 1, noEntryRecord: 1, total: 2, per100Sessions: 50 });
    // Money of sessions that left in the period: s1 0 + s2 500 + s3 300 + s5 1000.
    expect(r.sessions.revenue?.paidFen).toBe(1800);
    expect(r.sessions.revenue?.paidFenByUserClass).toEqual({ resident: 0, visitor: 500, temporary: 1300 });
    expect(r.sessions.revenue?.paidFenByVehicleClass).toEqual({ small: 800, large: 1000 });
  });

  it('rates denied entries by reason over entry decisions only', () => {
    // 8 admitted, 2 denied (the refer and the exit decision do not count): 2 / 10.
    expect(r.decisions.deniedEntryRate).toBeCloseTo(0.2, 12);
    expect(r.decisions.deniedByReason).toEqual({ full: { count: 1, rate: 0.1 }, blacklist: { count: 1, rate: 0.1 } });
    expect(r.decisions.entriesReferred).toBe(1);
  });

  it('derives the household ratios and the facility standard items from the site', () => {
    // 10 spaces for 100 households.
    expect(r.ratios.spacesPerHousehold).toBeCloseTo(0.1, 12);
    const byKey = Object.fromEntries(r.compliance.map((c) => [c.key, c]));
    expect(byKey.spacesPerHousehold).toMatchObject({ pass: false, figure: 0.1, required: 1 });
    expect(byKey.entranceEquipment?.pass).toBe(true);
    expect(byKey.evShare?.pass).toBe(false);
  });
});

describe('computeIndicators: capacity versions', () => {
  it('uses the capacity in force at each instant across a change', () => {
    const site = fixtureSite([10]);
    // Two days, A = 5 throughout; from day 2 12:00 the zone shrinks to 5 spaces (works).
    const input = {
      ...emptyInput(site, DAY0, DAY0 + 48 * H),
      occupancy: [{ zone: 'z1', holdMinutes: null, steps: [{ at: DAY0 - H, present: 5 }] }],
      capacityVersions: [{ zone: 'z1', from: DAY0 + 36 * H, capacity: 5 }],
    };
    const r = computeIndicators(input);
    // 36 h at 0.5 and 12 h at 1.0: (18 + 12) / 48.
    expect(r.site.meanOccupancy).toBeCloseTo(30 / 48, 12);
    expect(r.site.saturationHours).toBeCloseTo(12, 12);
    expect(r.site.overflowHours).toBe(0);
    // ∫C dt = 10·36 + 5·12 = 420 space-hours over 48 h.
    expect(r.site.meanCapacity).toBeCloseTo(420 / 48, 12);
    expect(r.site.detail?.days.map((d) => d.saturationHours)).toEqual([0, 12]);
  });

  it('counts cars in a closed zone as overflow and leaves closed time out of the ratio', () => {
    const site = fixtureSite([10]);
    const input = {
      ...emptyInput(site, DAY0, DAY0 + 24 * H),
      occupancy: [{ zone: 'z1', holdMinutes: null, steps: [{ at: DAY0, present: 2 }] }],
      capacityVersions: [
        { zone: 'z1', from: DAY0 + 6 * H, capacity: 0 },
        { zone: 'z1', from: DAY0 + 12 * H, capacity: 10 },
      ],
    };
    const r = computeIndicators(input);
    expect(r.site.overflowHours).toBeCloseTo(6, 12);
    expect(r.site.meanOccupancy).toBeCloseTo(0.2, 12);
    expect(r.site.completeness).toBe(1);
  });
});

describe('computeIndicators: time zone and missing data', () => {
  it('cuts Asia/Shanghai days at 16:00Z and nights at 14:00Z–22:00Z', () => {
    expect(localToEpoch('Asia/Shanghai', 2024, 3, 4)).toBe(DAY0);
    const site = fixtureSite([4]);
    // Full (4/4) exactly over local 22:00–06:00 of the night that ends the first day, empty otherwise.
    const nightStart = DAY0 + 22 * H; // 14:00Z
    const input = {
      ...emptyInput(site, DAY0, DAY0 + 48 * H),
      occupancy: [
        {
          zone: 'z1',
          holdMinutes: null,
          steps: [
            { at: DAY0, present: 0 },
            { at: nightStart, present: 4 },
            { at: nightStart + 8 * H, present: 0 },
          ],
        },
      ],
    };
    const r = computeIndicators(input);
    // Two nights in the period (00–06 of day 1 empty, 22–06 full, 22–24 of day 2 empty): 8 of 16 night hours full.
    expect(r.site.nightOccupancy).toBeCloseTo(8 / 16, 12);
    // Day 1 holds 2 full hours (22–24), day 2 holds 6 (00–06).
    expect(r.site.detail?.days.map((d) => [d.date, d.saturationHours])).toEqual([
      ['2024-03-04', 2],
      ['2024-03-05', 6],
    ]);
  });

  it('splits days at the right instants across a DST change (Europe/London, 2016-10-30 has 25 h)', () => {
    const site = fixtureSite([1], { timeZone: 'Europe/London' });
    const from = localToEpoch('Europe/London', 2016, 10, 29);
    const to = localToEpoch('Europe/London', 2016, 11, 1);
    expect(to - from).toBe(73 * H);
    const input = {
      ...emptyInput(site, from, to),
      occupancy: [{ zone: 'z1', holdMinutes: null, steps: [{ at: from, present: 1 }] }],
    };
    const r = computeIndicators(input);
    expect(r.site.detail?.days.map((d) => [d.date, d.saturationHours])).toEqual([
      ['2016-10-29', 24],
      ['2016-10-30', 25],
      ['2016-10-31', 24],
    ]);
  });

  it('flags missing data instead of averaging over it', () => {
    const site = fixtureSite([10]);
    const input = {
      ...emptyInput(site, DAY0, DAY0 + 24 * H),
      occupancy: [
        {
          zone: 'z1',
          holdMinutes: null,
          steps: [
            { at: DAY0, present: 5 },
            { at: DAY0 + 12 * H, present: null },
            { at: DAY0 + 18 * H, present: 5 },
          ],
        },
      ],
    };
    const r = computeIndicators(input);
    expect(r.site.meanOccupancy).toBeCloseTo(0.5, 12);
    expect(r.site.completeness).toBeCloseTo(18 / 24, 12);
    expect(r.site.gaps).toEqual([{ from: DAY0 + 12 * H, to: DAY0 + 18 * H }]);
    expect(r.dataQuality.flags[0]?.zh).toContain('75%');
  });

  it('a reading holds only as long as the zone says (holdMinutes)', () => {
    const site = fixtureSite([10]);
    // Readings at 08:00 and 08:30 held 45 min each: known 08:00–09:15.
    const input = {
      ...emptyInput(site, DAY0, DAY0 + 24 * H),
      occupancy: [
        {
          zone: 'z1',
          holdMinutes: 45,
          steps: [
            { at: DAY0 + 8 * H, present: 10 },
            { at: DAY0 + 8.5 * H, present: 6 },
          ],
        },
      ],
    };
    const r = computeIndicators(input);
    expect(r.site.coveredHours).toBeCloseTo(1.25, 12);
    // (1.0 · 0.5 h + 0.6 · 0.75 h) / 1.25 h
    expect(r.site.meanOccupancy).toBeCloseTo((0.5 + 0.45) / 1.25, 12);
    expect(r.site.gaps).toEqual([
      { from: DAY0, to: DAY0 + 8 * H },
      { from: DAY0 + 9.25 * H, to: DAY0 + 24 * H },
    ]);
  });

  it('leaves the site unknown while any zone is unknown', () => {
    const site = fixtureSite([10, 10]);
    const input = {
      ...emptyInput(site, DAY0, DAY0 + 24 * H),
      occupancy: [
        { zone: 'z1', holdMinutes: null, steps: [{ at: DAY0, present: 10 }] },
        { zone: 'z2', holdMinutes: null, steps: [{ at: DAY0 + 12 * H, present: 0 }] },
      ],
    };
    const r = computeIndicators(input, definitionsWith({ saturationThreshold: 0.5 }));
    expect(r.zones[0]?.meanOccupancy).toBe(1);
    expect(r.zones[1]?.completeness).toBeCloseTo(0.5, 12);
    expect(r.site.completeness).toBeCloseTo(0.5, 12);
    // Site known only 12:00–24:00 at 10/20 = 0.5, which meets θ = 0.5.
    expect(r.site.meanOccupancy).toBeCloseTo(0.5, 12);
    expect(r.site.saturationHours).toBeCloseTo(12, 12);
  });
});
