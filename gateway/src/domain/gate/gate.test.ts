import { describe, expect, it } from 'vitest';
import { matchPlate, normalizePlate } from '../plate/index.ts';
import { PlateEntries, resolveCredential } from '../registry/index.ts';
import { Policies } from '../site.ts';
import {
  decideEntry,
  decideExit,
  type EntryInput,
  type ExitInput,
  formatFen,
  type GateDecision,
  manualOpen,
  overstays,
  type PlateRead,
  ReasonCode,
  reasonDisplay,
} from './index.ts';

const at = 1_750_000_000_000;
const H = 3_600_000;
const site = 'demo';
const registered = ['京A12345', '京AD1234', '京ABB123', '京A88123'];

function read(raw: string, confidence = 0.99): PlateRead {
  const n = normalizePlate(raw);
  return { plate: n.plate, format: n.format, confidence, match: matchPlate(n.plate, registered) };
}

function credentialFor(r: PlateRead, partial: Record<string, unknown>, time = '12:00') {
  if (r.match.kind !== 'exact' && r.match.kind !== 'fuzzy')
    return resolveCredential(r.plate, at, time, PlateEntries.parse({}));
  const plate = r.match.plate;
  const withPlate = Object.fromEntries(
    Object.entries(partial).map(function addPlate([k, v]) {
      return [k, Array.isArray(v) ? v.map((x) => ({ site, plate, ...x })) : { site, plate, ...(v as object) }];
    }),
  );
  return resolveCredential(plate, at, time, PlateEntries.parse(withPlate));
}

const resident = { vehicle: { household: '1栋101' } };
const pass = { passes: [{ id: 'p1', kind: 'monthly', validFrom: at - H, validTo: at + H }] };
const visitor = { visitors: [{ id: 'v1', host: '1栋101', validFrom: at - H, validTo: at + H, createdBy: 'app' }] };
const staff = { staff: { staff: '保安' } };
const emergency = { emergency: { agency: '消防' } };
const blacklist = { blacklist: { reason: '欠费' } };

function entry(
  raw: string,
  registry: Record<string, unknown>,
  over: Partial<Omit<EntryInput, 'policies'>> & { policies?: Record<string, unknown> } = {},
): GateDecision {
  const r = over.read ?? read(raw);
  const localTime = over.localTime ?? '12:00';
  return decideEntry({
    at,
    localTime,
    gate: 'north',
    zones: [],
    read: r,
    credential: r.format === 'none' ? null : credentialFor(r, registry, localTime),
    insideAlready: false,
    freeSpaces: 10,
    ...over,
    policies: Policies.parse(over.policies ?? {}),
  });
}

describe('decideEntry', () => {
  it.each([
    ['resident', resident, 'open', 'ENTRY_RESIDENT', ['京A12345', '业主车辆', '欢迎回家', '余位 10']],
    ['pass', pass, 'open', 'ENTRY_PASS', ['京A12345', '月卡车', '欢迎光临', '余位 10']],
    ['visitor', visitor, 'open', 'ENTRY_VISITOR', ['京A12345', '访客车辆', '欢迎光临', '余位 10']],
    ['unregistered', {}, 'open', 'ENTRY_TEMPORARY', ['京A12345', '临时车', '欢迎光临', '余位 10']],
    ['staff', staff, 'open', 'ENTRY_STAFF', ['京A12345', '员工车辆', '请通行', '余位 10']],
    ['emergency', emergency, 'open', 'ENTRY_EMERGENCY', ['京A12345', '应急车辆', '请通行']],
    ['blacklisted', { ...resident, ...blacklist }, 'deny', 'DENY_BLACKLIST', ['京A12345', '禁止通行', '请联系物业']],
  ])('%s → %s %s', (_label, registry, action, reason, lines) => {
    const d = entry('京A12345', registry);
    expect(d.action).toBe(action);
    expect(d.reason).toBe(reason);
    expect(d.display.lines).toEqual(lines);
    expect(d.display.colour).toBe(action === 'open' ? 'green' : 'red');
  });

  it('refers a vehicle with no plate to staff', () => {
    const d = entry('', {});
    expect(d).toMatchObject({ action: 'refer', reason: 'DENY_NO_PLATE_REFER', plate: '', credentialKind: null });
    expect(d.display).toEqual({
      lines: ['无牌车', '请联系工作人员'],
      voice: '无牌车请联系工作人员',
      colour: 'yellow',
      seconds: 15,
    });
  });

  it('refers an ambiguous fuzzy match to staff', () => {
    const d = entry('京A8B123', {}, { read: read('京A8B123', 0.6) });
    expect(d).toMatchObject({ action: 'refer', reason: 'REFER_AMBIGUOUS' });
    expect(d.flags).toContain('lowConfidence');
  });

  it('decides on the fuzzily matched plate and records the match', () => {
    const d = entry('京A0 1234', resident, { read: read('京A01234', 0.7) });
    expect(d).toMatchObject({ action: 'open', reason: 'ENTRY_RESIDENT', plate: '京AD1234' });
    expect(d.fuzzy).toEqual({ read: '京A01234', matched: '京AD1234', distance: 0.5 });
    expect(d.flags).toEqual(['fuzzyMatch', 'lowConfidence']);
  });

  it('flags an unknown plate format', () => {
    expect(entry('ABC', {}).flags).toContain('unknownFormat');
  });

  it('an emergency vehicle enters even when full and already inside', () => {
    const d = entry('京A12345', emergency, { freeSpaces: 0, insideAlready: true });
    expect(d.reason).toBe('ENTRY_EMERGENCY');
  });

  it.each([
    ['deny', 'deny', 'DENY_PASSBACK', []],
    ['refer', 'refer', 'DENY_PASSBACK', []],
    ['allow', 'open', 'ENTRY_RESIDENT', ['staleSessionClosed']],
  ])('anti-passback %s → %s', (policy, action, reason, flags) => {
    const d = entry('京A12345', resident, { insideAlready: true, policies: { antiPassback: policy } });
    expect(d.action).toBe(action);
    expect(d.reason).toBe(reason);
    expect(d.flags).toEqual(flags);
  });

  it('blacklist wins over anti-passback', () => {
    expect(entry('京A12345', blacklist, { insideAlready: true }).reason).toBe('DENY_BLACKLIST');
  });

  describe('full lot and the visitor reserve', () => {
    const reserve = { visitorReserve: 3 };
    it.each([
      ['temporary, free = reserve + 1', {}, 4, reserve, 'ENTRY_TEMPORARY'],
      ['temporary, free = reserve', {}, 3, reserve, 'DENY_FULL'],
      ['temporary, no reserve, 1 free', {}, 1, {}, 'ENTRY_TEMPORARY'],
      ['temporary, no reserve, 0 free', {}, 0, {}, 'DENY_FULL'],
      ['visitor, free = reserve + 1', visitor, 4, reserve, 'ENTRY_VISITOR'],
      ['visitor, free = reserve', visitor, 3, reserve, 'DENY_FULL'],
      ['visitor bypassing the reserve, full', visitor, 0, { ...reserve, visitorsBypassReserve: true }, 'ENTRY_VISITOR'],
      ['resident, full, reserved', resident, 0, {}, 'ENTRY_RESIDENT'],
      ['resident, full, not reserved', resident, 0, { residentsReserved: false }, 'DENY_FULL'],
      ['resident, 1 free, not reserved', resident, 1, { residentsReserved: false }, 'ENTRY_RESIDENT'],
      ['pass, full, reserved', pass, -2, {}, 'ENTRY_PASS'],
      ['pass, full, not reserved', pass, 0, { residentsReserved: false }, 'DENY_FULL'],
      ['resident within the reserve', resident, 3, reserve, 'ENTRY_RESIDENT'],
    ])('%s → %s', (_label, registry, freeSpaces, policies, reason) => {
      expect(entry('京A12345', registry, { freeSpaces, policies }).reason).toBe(reason);
    });

    it('shows 车位已满 and flags residents entering a full lot', () => {
      expect(entry('京A12345', {}, { freeSpaces: 0 }).display.lines).toEqual(['京A12345', '车位已满', '暂停入场']);
      expect(entry('京A12345', resident, { freeSpaces: 0 }).flags).toEqual(['enteredWhenFull']);
    });
  });

  it('does not admit temporary vehicles when the policy says so', () => {
    const d = entry('京A12345', {}, { policies: { admitTemporary: false } });
    expect(d).toMatchObject({ action: 'deny', reason: 'DENY_TEMPORARY_NOT_ADMITTED' });
    expect(entry('京A12345', visitor, { policies: { admitTemporary: false } }).reason).toBe('ENTRY_VISITOR');
  });

  describe('overnight rule (23:00–06:00)', () => {
    const policies = { overnight: { denyTemporary: true, from: '23:00', to: '06:00' } };
    it.each([
      ['22:59', 'ENTRY_TEMPORARY'],
      ['23:00', 'DENY_OVERNIGHT'],
      ['02:00', 'DENY_OVERNIGHT'],
      ['05:59', 'DENY_OVERNIGHT'],
      ['06:00', 'ENTRY_TEMPORARY'],
    ])('temporary at %s → %s', (localTime, reason) => {
      expect(entry('京A12345', {}, { localTime, policies }).reason).toBe(reason);
    });

    it('lets residents in at night and shows the hours to temporaries', () => {
      expect(entry('京A12345', resident, { localTime: '02:00', policies }).reason).toBe('ENTRY_RESIDENT');
      const d = entry('京A12345', {}, { localTime: '02:00', policies });
      expect(d.display.lines).toEqual(['京A12345', '临时车夜间禁入', '23:00-06:00']);
    });
  });

  describe('zone rule', () => {
    it('denies a credential kind not allowed in the zones behind the gate', () => {
      const policies = { zonesByCredential: { temporary: ['surface'] } };
      expect(entry('京A12345', {}, { zones: ['B1'], policies }).reason).toBe('DENY_ZONE');
      expect(entry('京A12345', {}, { zones: ['surface'], policies }).reason).toBe('ENTRY_TEMPORARY');
      expect(entry('京A12345', resident, { zones: ['B1'], policies }).reason).toBe('ENTRY_RESIDENT');
    });

    it('narrows by the zones of the pass in force', () => {
      const zonedPass = { passes: [{ ...pass.passes[0], zones: ['B2'] }] };
      expect(entry('京A12345', zonedPass, { zones: ['B1'] }).reason).toBe('DENY_ZONE');
      expect(entry('京A12345', zonedPass, { zones: ['B1', 'B2'] }).reason).toBe('ENTRY_PASS');
    });
  });
});

function exit(over: Partial<Omit<ExitInput, 'policies'>> & { policies?: Record<string, unknown> } = {}): GateDecision {
  return decideExit({
    at,
    gate: 'north',
    read: read('京A12345'),
    session: { id: 's1', plate: '京A12345', entryAt: at - 2 * H, credentialKind: 'temporary', userClass: 'visitor' },
    fee: { totalFen: 1200, paidFen: 0, dueFen: 1200, paidExitUntil: null },
    noEntryFeeFen: 5000,
    noEntryPaidFen: 0,
    ...over,
    policies: Policies.parse(over.policies ?? {}),
  });
}

describe('decideExit', () => {
  it('holds and shows the fee due', () => {
    const d = exit();
    expect(d).toMatchObject({ action: 'hold', reason: 'EXIT_FEE_DUE', dueFen: 1200, userClass: 'visitor' });
    expect(d.display).toEqual({
      lines: ['京A12345', '临时停车', '请缴费 12.00元'],
      voice: '请缴费12.00元',
      colour: 'yellow',
      seconds: 30,
    });
    expect(d.message.en).toBe('Fee due: please pay ¥12.00');
  });

  it('opens free when nothing is charged', () => {
    const d = exit({ fee: { totalFen: 0, paidFen: 0, dueFen: 0, paidExitUntil: null } });
    expect(d).toMatchObject({ action: 'open', reason: 'EXIT_FREE', dueFen: 0 });
    expect(exit({ fee: null }).reason).toBe('EXIT_FREE');
  });

  it('opens paid when everything is paid', () => {
    expect(exit({ fee: { totalFen: 1200, paidFen: 1200, dueFen: 0, paidExitUntil: null } }).reason).toBe('EXIT_PAID');
  });

  it.each([
    ['inside the window', at + 1, 0, 'open', 'EXIT_PAID_WINDOW'],
    ['at the window end', at, 300, 'open', 'EXIT_PAID_WINDOW'],
    ['one ms past the window, overtime due', at - 1, 300, 'hold', 'EXIT_FEE_DUE'],
    ['past the window, nothing more due', at - 1, 0, 'open', 'EXIT_PAID'],
  ])('paid-exit window: %s', (_label, paidExitUntil, dueFen, action, reason) => {
    const d = exit({ fee: { totalFen: 1200 + dueFen, paidFen: 1200, dueFen, paidExitUntil } });
    expect(d.action).toBe(action);
    expect(d.reason).toBe(reason);
  });

  it('no entry record with a fixed fee: holds for the fee, then opens once paid, always flagged', () => {
    const d = exit({ session: null, fee: null });
    expect(d).toMatchObject({ action: 'hold', reason: 'EXIT_NO_ENTRY_FEE', dueFen: 5000, flags: ['noEntryRecord'] });
    expect(d.display.lines).toEqual(['京A12345', '无入场记录', '请缴费 50.00元']);
    const paid = exit({ session: null, fee: null, noEntryPaidFen: 5000 });
    expect(paid).toMatchObject({ action: 'open', reason: 'EXIT_PAID', flags: ['noEntryRecord'] });
    expect(exit({ session: null, noEntryFeeFen: 0 }).reason).toBe('EXIT_FREE');
  });

  it('no entry record with the refer policy refers to staff', () => {
    const d = exit({ session: null, policies: { noEntryRecord: 'refer' } });
    expect(d).toMatchObject({ action: 'refer', reason: 'EXIT_NO_ENTRY_REFER', flags: ['noEntryRecord'] });
  });

  it('refers no plate and ambiguous reads', () => {
    expect(exit({ read: read(' ') }).reason).toBe('DENY_NO_PLATE_REFER');
    expect(exit({ read: read('京A8B123') }).reason).toBe('REFER_AMBIGUOUS');
  });

  it('records a fuzzy exit match', () => {
    const d = exit({ read: read('京A1Z345', 0.5), fee: null });
    expect(d.fuzzy).toEqual({ read: '京A1Z345', matched: '京A12345', distance: 0.5 });
    expect(d.flags).toEqual(['fuzzyMatch', 'lowConfidence']);
  });
});

describe('manualOpen', () => {
  it('opens with a staff identity and a reason', () => {
    const r = manualOpen({ plate: '京A12345', staff: 'zhang', reason: '访客无预约，业主电话确认' });
    expect(r.ok && r.decision).toMatchObject({ action: 'open', reason: 'MANUAL_OPEN', flags: ['manual'] });
  });

  it('is refused without a staff identity or a reason', () => {
    expect(manualOpen({ plate: '京A12345', staff: ' ', reason: 'x' }).ok).toBe(false);
    const r = manualOpen({ plate: '京A12345', staff: 'zhang', reason: '' });
    expect(r.ok ? '' : r.reason).toContain('a reason is required');
  });
});

describe('overstays', () => {
  const policies = Policies.parse({ visitorMaxStayMinutes: 240 });
  const sessions = [
    { id: 'a', plate: '京A1', credentialKind: 'visitor', entryAt: at - 3 * H, visitorUntil: at - 2 * H },
    { id: 'b', plate: '京A2', credentialKind: 'visitor', entryAt: at - 5 * H, visitorUntil: null },
    { id: 'c', plate: '京A3', credentialKind: 'visitor', entryAt: at - 2 * H, visitorUntil: at + H },
    { id: 'd', plate: '京A4', credentialKind: 'temporary', entryAt: at - 50 * H, visitorUntil: null },
    { id: 'e', plate: '京A5', credentialKind: 'visitor', entryAt: at - 4 * H, visitorUntil: null },
  ] as const;

  it('lists visitors past their window or the longest stay (deadline itself not yet over), longest first', () => {
    expect(overstays(sessions, at, policies)).toEqual([
      { sessionId: 'a', plate: '京A1', deadline: at - 2 * H, overMs: 2 * H },
      { sessionId: 'b', plate: '京A2', deadline: at - H, overMs: H },
    ]);
  });
});

describe('reason catalogue', () => {
  it('formats fen as yuan text without floats', () => {
    expect(formatFen(1200)).toBe('12.00元');
    expect(formatFen(5)).toBe('0.05元');
    expect(formatFen(0)).toBe('0.00元');
    expect(formatFen(123456789)).toBe('1234567.89元');
    expect(formatFen(-250)).toBe('-2.50元');
    expect(() => formatFen(12.5)).toThrow(expect.objectContaining({ code: 'ERR_FEN_NOT_INTEGER' }));
  });

  it('every code shows at most 4 short lines', () => {
    for (const code of ReasonCode.options) {
      const d = reasonDisplay(code, { plate: '京AD12345', free: 999, dueFen: 999_999 });
      expect(d.lines.length).toBeLessThanOrEqual(4);
      for (const line of d.lines) expect(line.length).toBeLessThanOrEqual(16);
    }
  });

  it('every code is produced by some decision in these tests', () => {
    const produced = new Set<string>([
      ...['', '京A12345'].map((p) => entry(p, {}).reason),
      ...[resident, pass, visitor, staff, emergency, blacklist].map((r) => entry('京A12345', r).reason),
      entry('京A12345', {}, { freeSpaces: 0 }).reason,
      entry('京A12345', resident, { insideAlready: true }).reason,
      entry('京A12345', {}, { localTime: '02:00', policies: { overnight: { denyTemporary: true } } }).reason,
      entry('京A12345', {}, { zones: ['B1'], policies: { zonesByCredential: { temporary: ['A'] } } }).reason,
      entry('京A12345', {}, { policies: { admitTemporary: false } }).reason,
      entry('京A8B123', {}).reason,
      exit({ fee: null }).reason,
      exit({ fee: { totalFen: 1, paidFen: 1, dueFen: 0, paidExitUntil: null } }).reason,
      exit({ fee: { totalFen: 1, paidFen: 1, dueFen: 0, paidExitUntil: at } }).reason,
      exit().reason,
      exit({ session: null }).reason,
      exit({ session: null, policies: { noEntryRecord: 'refer' } }).reason,
      manualOpen({ staff: 'zhang', reason: 'fault' }).ok ? 'MANUAL_OPEN' : '',
    ]);
    expect([...produced].sort()).toEqual([...ReasonCode.options].sort());
  });
});
