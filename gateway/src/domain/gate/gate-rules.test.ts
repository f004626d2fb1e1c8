import { describe, expect, it } from 'vitest';
import { type Credential, resolveCredential } from '../registry/credential-resolver.ts';
import { PlateEntries } from '../registry/registry.schema.ts';
import {
  classChangesOf,
  classUntil,
  eventTime,
  interpretRead,
  isRepeatRead,
  leftAt,
  MAX_CLOCK_SKEW_MS,
  sessionClass,
  settleTime,
  vehicleFromPlate,
} from './gate-rules.ts';

const T = Date.parse('2026-03-02T08:00:00+08:00');
const MIN = 60_000;

describe('eventTime: the device clock is trusted within 5 minutes of the gateway', () => {
  it.each([
    ['on time', T, T, T, false],
    ['4 min behind', T - 4 * MIN, T, T - 4 * MIN, false],
    ['exactly the limit behind', T - MAX_CLOCK_SKEW_MS, T, T - MAX_CLOCK_SKEW_MS, false],
    ['1 ms past the limit behind', T - MAX_CLOCK_SKEW_MS - 1, T, T, true],
    ['a day behind (wrong clock)', T - 86_400_000, T, T, true],
    ['6 min ahead', T + 6 * MIN, T, T, true],
  ])('%s', (_what, deviceTs, receivedAt, at, skewed) => {
    expect(eventTime(deviceTs, receivedAt)).toEqual({ at, skewed });
  });
});

describe('interpretRead: when a read is matched fuzzily', () => {
  const registry = ['京A12345', '沪B77777', '苏E20012'];
  const cases: {
    what: string;
    plate: string;
    confidence: number;
    alwaysFuzzy: boolean;
    kind: string;
    matched?: string;
    asked: boolean;
  }[] = [
    {
      what: 'confident entry read: exact, registry not asked',
      plate: '京A12345',
      confidence: 0.95,
      alwaysFuzzy: false,
      kind: 'exact',
      matched: '京A12345',
      asked: false,
    },
    {
      what: 'unsure entry read with a 2/Z confusion: fuzzy match',
      plate: '京A1Z345',
      confidence: 0.6,
      alwaysFuzzy: false,
      kind: 'fuzzy',
      matched: '京A12345',
      asked: true,
    },
    {
      what: 'confident entry read with a confusion: taken as read',
      plate: '京A1Z345',
      confidence: 0.95,
      alwaysFuzzy: false,
      kind: 'exact',
      matched: '京A1Z345',
      asked: false,
    },
    {
      what: 'exit read, however confident: open sessions searched',
      plate: '京A1Z345',
      confidence: 0.99,
      alwaysFuzzy: true,
      kind: 'fuzzy',
      matched: '京A12345',
      asked: true,
    },
    {
      what: 'unsure read matching nothing: still the best plate there is',
      plate: '粤C66666',
      confidence: 0.5,
      alwaysFuzzy: false,
      kind: 'exact',
      matched: '粤C66666',
      asked: true,
    },
    {
      what: 'confident exit read one digit off another car (3/2 is no OCR confusion): its own plate',
      plate: '苏E20013',
      confidence: 0.98,
      alwaysFuzzy: true,
      kind: 'exact',
      matched: '苏E20013',
      asked: true,
    },
    {
      what: 'unsure exit read one digit off another car: matched to it',
      plate: '京A12346',
      confidence: 0.6,
      alwaysFuzzy: true,
      kind: 'fuzzy',
      matched: '京A12345',
      asked: true,
    },
    { what: 'no plate at all', plate: '', confidence: 0.9, alwaysFuzzy: false, kind: 'none', asked: false },
    {
      what: 'lower-case and spaces normalised',
      plate: ' 京a 12345 ',
      confidence: 0.95,
      alwaysFuzzy: false,
      kind: 'exact',
      matched: '京A12345',
      asked: false,
    },
  ];
  it.each(cases)('$what', ({ plate, confidence, alwaysFuzzy, kind, matched, asked }) => {
    let wasAsked = false;
    const read = interpretRead({
      plate,
      confidence,
      fuzzyBelow: 0.9,
      alwaysFuzzy,
      candidates: () => {
        wasAsked = true;
        return registry;
      },
    });
    expect(read.match.kind).toBe(kind);
    if (matched) expect('plate' in read.match ? read.match.plate : null).toBe(matched);
    expect(wasAsked).toBe(asked);
  });
});

describe('vehicleFromPlate: class and energy', () => {
  it.each([
    ['unregistered blue plate', '苏E12345', null, 'blue', { vehicleClass: 'small', energy: 'fuel' }],
    [
      'unregistered 8-character plate (新能源)',
      '苏AD12345',
      null,
      undefined,
      { vehicleClass: 'small', energy: 'electric' },
    ],
    ['green plate read by the camera', '苏E12345', null, 'green', { vehicleClass: 'small', energy: 'electric' }],
    [
      'registered large fuel vehicle',
      '苏E12345',
      { vehicleClass: 'large', energy: 'fuel' },
      'yellow',
      { vehicleClass: 'large', energy: 'fuel' },
    ],
    [
      'registered fuel, camera sees green',
      '苏E12345',
      { vehicleClass: 'small', energy: 'fuel' },
      'green',
      { vehicleClass: 'small', energy: 'electric' },
    ],
    [
      'registered electric with a 7-character plate',
      '苏E12345',
      { vehicleClass: 'small', energy: 'electric' },
      'blue',
      { vehicleClass: 'small', energy: 'electric' },
    ],
  ] as const)('%s', (_what, plate, registered, colour, expected) => {
    expect(vehicleFromPlate(plate, registered, colour)).toEqual(expected);
  });
});

describe('sessionClass: what a stay is charged as', () => {
  const credential = (kind: Credential['kind'], userClass: Credential['userClass']) =>
    ({ kind, userClass }) as Pick<Credential, 'kind' | 'userClass'> as Credential;
  it.each([
    ['no credential', null, { credentialKind: 'temporary', userClass: 'visitor' }],
    ['resident', credential('resident', 'owner'), { credentialKind: 'resident', userClass: 'owner' }],
    ['monthly pass', credential('monthly', 'monthly'), { credentialKind: 'monthly', userClass: 'monthly' }],
    ['registered visitor', credential('visitor', 'visitor'), { credentialKind: 'visitor', userClass: 'visitor' }],
    [
      'blacklisted, let in by policy',
      credential('blacklisted', 'visitor'),
      { credentialKind: 'temporary', userClass: 'visitor' },
    ],
  ] as const)('%s', (_what, given, expected) => {
    expect(sessionClass(given)).toEqual(expected);
  });
});

describe('settle time of money that arrives out of order', () => {
  it.each([
    ['paid while held: the stay ends at the payment', { paymentAt: T + 3000, heldSince: T }, T + 3000],
    ['paid before the held read (delivered after it): ends at the read', { paymentAt: T - 5000, heldSince: T }, T],
    ['nobody held: at the payment', { paymentAt: T, heldSince: null }, T],
  ])('%s', (_what, input, expected) => {
    expect(settleTime(input)).toBe(expected);
  });
  it.each([
    ['no payments', T, [], T],
    ['paid before the read', T, [T - 60_000], T],
    ['paid after the read (delivered first): ends at the last payment', T, [T + 2000, T + 5000], T + 5000],
  ])('%s', (_what, readAt, payments, expected) => {
    expect(leftAt(readAt, payments)).toBe(expected);
  });
});

describe('isRepeatRead: the same passage seen again', () => {
  it.each([
    ['2 s later at the same lane', { at: T + 2000, passedAt: T, windowMs: 180_000, sameLane: true }, true],
    ['exactly at the end of the window', { at: T + 180_000, passedAt: T, windowMs: 180_000, sameLane: true }, true],
    ['1 ms past the window', { at: T + 180_001, passedAt: T, windowMs: 180_000, sameLane: true }, false],
    ['at another gate or lane', { at: T + 2000, passedAt: T, windowMs: 180_000, sameLane: false }, false],
    ['a read from before the passage', { at: T - 1000, passedAt: T, windowMs: 180_000, sameLane: true }, false],
    ['window switched off', { at: T + 1, passedAt: T, windowMs: 0, sameLane: true }, false],
  ])('%s', (_what, input, expected) => {
    expect(isRepeatRead(input)).toBe(expected);
  });
});

describe('classChangesOf: where a stay changes class because its pass ended (#26.3)', () => {
  const H = 60 * MIN;
  const pass = (id: string, from: number, to: number) => ({
    site: 's1',
    id,
    plate: '苏E1',
    kind: 'monthly' as const,
    validFrom: from,
    validTo: to,
  });
  const resolver = (entries: unknown) => {
    const parsed = PlateEntries.parse(entries);
    return (at: number) => resolveCredential('苏E1', at, '08:00', parsed);
  };
  const start = (entries: unknown) => {
    const credential = resolver(entries)(T);
    return { userClass: credential.userClass, until: classUntil(credential) };
  };

  it('a pass alone becomes a visitor at its end; nothing changes when the car leaves before it', () => {
    const entries = { passes: [pass('p1', T - 24 * H, T + 2 * H)] };
    expect(start(entries)).toEqual({ userClass: 'monthly', until: T + 2 * H });
    expect(classChangesOf(start(entries), T + 5 * H, resolver(entries))).toEqual([
      { at: T + 2 * H, userClass: 'visitor' },
    ]);
    expect(classChangesOf(start(entries), T + 2 * H, resolver(entries))).toEqual([]);
  });

  it("a resident's car falls back to owner; a renewal that continues the pass is no change", () => {
    const resident = {
      vehicle: { site: 's1', plate: '苏E1', household: 'H1', vehicleClass: 'small' },
      passes: [pass('p1', T - 24 * H, T + 2 * H)],
    };
    expect(classChangesOf(start(resident), T + 5 * H, resolver(resident))).toEqual([
      { at: T + 2 * H, userClass: 'owner' },
    ]);
    const renewed = { passes: [pass('p1', T - 24 * H, T + 2 * H), pass('p2', T + 2 * H, T + 4 * H)] };
    expect(classChangesOf(start(renewed), T + 3 * H, resolver(renewed))).toEqual([]);
    // Renewed, and the renewal ends too before the exit: one change, at the renewal's end.
    expect(classChangesOf(start(renewed), T + 5 * H, resolver(renewed))).toEqual([
      { at: T + 4 * H, userClass: 'visitor' },
    ]);
  });

  it('a class that does not end (a visitor, a resident without a pass) has no end', () => {
    expect(start({})).toEqual({ userClass: 'visitor', until: null });
    const owner = { vehicle: { site: 's1', plate: '苏E1', household: 'H1', vehicleClass: 'small' } };
    expect(start(owner)).toEqual({ userClass: 'owner', until: null });
  });
});
