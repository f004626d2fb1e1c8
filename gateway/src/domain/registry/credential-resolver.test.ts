import { describe, expect, it } from 'vitest';
import { inDailyWindow, PlateEntries, resolveCredential } from './index.ts';

const H = 3_600_000;
const DAY = 24 * H;
const at = 1_750_000_000_000;
const plate = '京A12345';
const site = 'demo';

const vehicle = { site, plate, household: '3栋2单元501', vehicleClass: 'small', energy: 'electric' } as const;
const monthly = { site, id: 'p1', plate, kind: 'monthly', validFrom: at - 30 * DAY, validTo: at + DAY } as const;
const expired = { ...monthly, id: 'p0', validTo: at - DAY };
const night = { ...monthly, id: 'n1', window: { from: '19:00', to: '08:00' } } as const;
const visitor = { site, id: 'v1', plate, host: '1栋101', validFrom: at - H, validTo: at + H, createdBy: 'app' };
const blacklist = { site, plate, reason: '欠费未缴' };

function entries(partial: Record<string, unknown>): PlateEntries {
  return PlateEntries.parse(partial);
}

describe('resolveCredential priority', () => {
  it.each([
    ['nothing registered', {}, 'temporary', 'visitor'],
    ['resident', { vehicle }, 'resident', 'owner'],
    ['resident holding a pass valid now', { vehicle, passes: [monthly] }, 'resident', 'monthly'],
    ['pass holder', { passes: [monthly] }, 'monthly', 'monthly'],
    ['annual pass holder', { passes: [{ ...monthly, kind: 'annual' }] }, 'annual', 'monthly'],
    ['visitor in window', { visitors: [visitor] }, 'visitor', 'visitor'],
    ['pass beats visitor', { passes: [monthly], visitors: [visitor] }, 'monthly', 'monthly'],
    ['resident beats pass', { vehicle, passes: [monthly], visitors: [visitor] }, 'resident', 'monthly'],
    ['staff beats resident', { vehicle, staff: { site, plate, staff: '保安部' } }, 'staff', 'staff'],
    [
      'emergency beats staff',
      { staff: { site, plate, staff: '保安部' }, emergency: { site, plate, agency: '消防' } },
      'emergency',
      'free',
    ],
    ['blacklisted resident', { vehicle, blacklist }, 'blacklisted', 'owner'],
    ['blacklist beats emergency', { emergency: { site, plate, agency: '消防' }, blacklist }, 'blacklisted', 'free'],
  ])('%s → %s', (_label, input, kind, userClass) => {
    const credential = resolveCredential(plate, at, '12:00', entries(input));
    expect(credential.kind).toBe(kind);
    expect(credential.userClass).toBe(userClass);
  });

  it('keeps the household, vehicle class and energy of a resident', () => {
    const c = resolveCredential(plate, at, '12:00', entries({ vehicle, passes: [monthly] }));
    expect(c).toMatchObject({ household: '3栋2单元501', vehicleClass: 'small', energy: 'electric', passId: 'p1' });
    expect(c.validUntil).toBe(monthly.validTo);
  });

  it('a pass that expired yesterday leaves a temporary vehicle with a note', () => {
    const c = resolveCredential(plate, at, '12:00', entries({ passes: [expired] }));
    expect(c.kind).toBe('temporary');
    expect(c.userClass).toBe('visitor');
    expect(c.notes).toEqual([{ code: 'PASS_EXPIRED', text: '月卡已过期', ref: 'p0', at: at - DAY }]);
  });

  it('a pass ends exactly at validTo and starts exactly at validFrom', () => {
    expect(resolveCredential(plate, monthly.validTo, '12:00', entries({ passes: [monthly] })).kind).toBe('temporary');
    expect(resolveCredential(plate, monthly.validTo - 1, '12:00', entries({ passes: [monthly] })).kind).toBe('monthly');
    const early = resolveCredential(plate, monthly.validFrom - 1, '12:00', entries({ passes: [monthly] }));
    expect(early.notes[0]?.code).toBe('PASS_NOT_YET_VALID');
    expect(resolveCredential(plate, monthly.validFrom, '12:00', entries({ passes: [monthly] })).kind).toBe('monthly');
  });

  it.each([
    ['19:00', 'monthly'],
    ['23:59', 'monthly'],
    ['00:00', 'monthly'],
    ['07:59', 'monthly'],
    ['08:00', 'temporary'],
    ['12:00', 'temporary'],
    ['18:59', 'temporary'],
  ])('night pass 19:00–08:00 at %s → %s', (time, kind) => {
    const c = resolveCredential(plate, at, time, entries({ passes: [night] }));
    expect(c.kind).toBe(kind);
    if (kind === 'temporary') expect(c.notes.map((n) => n.code)).toEqual(['PASS_OUTSIDE_WINDOW']);
    else expect(c.window).toEqual({ from: '19:00', to: '08:00' });
  });

  it.each([
    ['before the window', at - 2 * H, 'temporary', 'VISITOR_EARLY'],
    ['at the start', at - H, 'visitor', null],
    ['inside', at, 'visitor', null],
    ['at the end (exclusive)', at + H, 'temporary', 'VISITOR_EXPIRED'],
    ['after', at + 5 * H, 'temporary', 'VISITOR_EXPIRED'],
  ])('visitor %s', (_label, when, kind, note) => {
    const c = resolveCredential(plate, when, '12:00', entries({ visitors: [visitor] }));
    expect(c.kind).toBe(kind);
    expect(c.notes[0]?.code ?? null).toBe(note);
    if (kind === 'visitor') expect(c).toMatchObject({ household: '1栋101', visitorId: 'v1', validUntil: at + H });
  });

  it('picks the pass valid now among several and notes the others', () => {
    const c = resolveCredential(plate, at, '12:00', entries({ passes: [expired, monthly] }));
    expect(c.passId).toBe('p1');
    expect(c.notes.map((n) => n.code)).toEqual(['PASS_EXPIRED']);
  });

  it('carries the zones of the pass in force', () => {
    const c = resolveCredential(plate, at, '12:00', entries({ passes: [{ ...monthly, zones: ['B1'] }] }));
    expect(c.zones).toEqual(['B1']);
  });

  it('ignores an expired blacklist entry and expired staff registration, with notes', () => {
    const c = resolveCredential(
      plate,
      at,
      '12:00',
      entries({
        vehicle,
        blacklist: { ...blacklist, until: at },
        staff: { site, plate, staff: '保洁', validTo: at - 1 },
      }),
    );
    expect(c.kind).toBe('resident');
    expect(c.notes.map((n) => n.code)).toEqual(['STAFF_EXPIRED', 'BLACKLIST_EXPIRED']);
  });

  it('a blacklist entry still running reports its reason and end', () => {
    const c = resolveCredential(plate, at, '12:00', entries({ blacklist: { ...blacklist, until: at + 1 } }));
    expect(c.blacklist).toEqual({ reason: '欠费未缴', until: at + 1 });
  });
});

describe('inDailyWindow', () => {
  it('handles same-day windows with an exclusive end', () => {
    expect(inDailyWindow('08:00', { from: '08:00', to: '18:00' })).toBe(true);
    expect(inDailyWindow('18:00', { from: '08:00', to: '18:00' })).toBe(false);
    expect(inDailyWindow('07:59', { from: '08:00', to: '18:00' })).toBe(false);
  });
});
