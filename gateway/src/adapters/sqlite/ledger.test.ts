import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSession, type Session } from '../../domain/session/session.ts';
import { hashPasswordSync, verifyPassword } from '../password.ts';
import { AccountStore } from './accounts.ts';
import { type Db, openDatabase } from './database.ts';
import { Ledger } from './ledger.ts';

const opened: Db[] = [];
function freshFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.db');
}
const dbOf = new WeakMap<Ledger, Db>();
function open(file: string): Ledger {
  const db = openDatabase(file);
  opened.push(db);
  const ledger = new Ledger(db);
  dbOf.set(ledger, db);
  return ledger;
}
/** The SQLite handle under a ledger, for checks the ledger's own API does not offer. */
function dbUnder(ledger: Ledger): Db {
  const db = dbOf.get(ledger);
  if (!db) throw new Error('ledger not opened by this test');
  return db;
}
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

function session(id: string, plate: string, entryAt: number): Session {
  return openSession({
    id,
    site: 's1',
    plate,
    readPlate: plate,
    entryAt,
    entryGate: 'g1',
    credentialKind: 'temporary',
    userClass: 'visitor',
    vehicleClass: 'small',
    energy: 'fuel',
  });
}

describe('ledger on a real SQLite file', () => {
  it('runs in WAL mode with full sync', () => {
    const ledger = open(freshFile());
    expect(dbUnder(ledger).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(dbUnder(ledger).pragma('synchronous', { simple: true })).toBe(2);
  });

  it('claims each device event once', () => {
    const ledger = open(freshFile());
    expect(ledger.claimEvent('cam1', 'e1', 'plate', 1)).toBe(true);
    expect(ledger.claimEvent('cam1', 'e1', 'plate', 2)).toBe(false);
    expect(ledger.claimEvent('cam2', 'e1', 'plate', 2)).toBe(true);
    expect(ledger.pruneProcessedEvents(2)).toBe(1);
    expect(ledger.countProcessedEvents()).toBe(1);
  });

  it('commits device readings unsynced and goes back to full sync, also after a throw', () => {
    const file = freshFile();
    const ledger = open(file);
    const level = () => dbUnder(ledger).pragma('synchronous', { simple: true });
    const seen = ledger.unsynced(() => {
      ledger.claimEvent('sensor-1', 'e1', 'space', 1);
      return ledger.unsynced(level);
    });
    expect(seen).toBe(1);
    expect(level()).toBe(2);
    expect(() =>
      ledger.unsynced(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(level()).toBe(2);
    // inside a transaction the sync level cannot change; the money commit around it stays synced
    expect(ledger.transaction(() => ledger.unsynced(level))).toBe(2);
    dbUnder(ledger).close();
    expect(open(file).claimEvent('sensor-1', 'e1', 'space', 2)).toBe(false);
  });

  it('keeps at most one open session per plate and site', () => {
    const ledger = open(freshFile());
    ledger.insertSession(session('a', '京A12345', 1000));
    expect(() => ledger.insertSession(session('b', '京A12345', 2000))).toThrow(/UNIQUE/);
    ledger.closeSession('a', {
      exitAt: 5000,
      exitGate: 'g1',
      feeFen: 200,
      breakdown: { items: [] },
      closeReason: 'EXIT_PAID',
    });
    expect(() =>
      ledger.closeSession('a', { exitAt: 6000, exitGate: 'g1', feeFen: 0, breakdown: null, closeReason: 'x' }),
    ).toThrow(/not open/);
    ledger.insertSession(session('b', '京A12345', 7000));
    expect(ledger.findOpenSession('s1', '京A12345')?.id).toBe('b');
    expect(ledger.getSession('a')).toMatchObject({
      status: 'closed',
      exitAt: 5000,
      feeFen: 200,
      breakdown: { items: [] },
    });
  });

  it('applies a payment once and adds it to the session', () => {
    const ledger = open(freshFile());
    ledger.insertSession(session('a', '京A12345', 1000));
    const pay = {
      id: 'p1',
      site: 's1',
      sessionId: 'a',
      plate: null,
      amountFen: 300,
      method: 'wechat',
      source: 'terminal' as const,
      at: 2000,
    };
    expect(ledger.addPayment(pay)).toBe(true);
    expect(ledger.addPayment(pay)).toBe(false);
    expect(ledger.getSession('a')?.paidFen).toBe(300);
    expect(ledger.paymentsFor('a')).toHaveLength(1);
  });

  it('keeps sessions, payments and decisions across a reopen of the file', () => {
    const file = freshFile();
    const first = open(file);
    first.insertSession(session('a', '沪B88888', 1000));
    first.recordDecision({
      site: 's1',
      gate: 'g1',
      lane: 'entry',
      at: 1000,
      plate: '沪B88888',
      readPlate: '沪B88888',
      action: 'open',
      reason: 'ENTRY_TEMPORARY',
      sessionId: 'a',
      credentialKind: 'temporary',
      fuzzy: null,
      display: { lines: ['沪B88888'] },
      eventRef: 'cam1/e1',
    });
    dbUnder(first).close();
    const second = open(file);
    expect(second.openPlates('s1')).toEqual(['沪B88888']);
    expect(second.decisionsFor('a')[0]).toMatchObject({ reason: 'ENTRY_TEMPORARY', display: { lines: ['沪B88888'] } });
  });

  it('searches sessions by plate fragment and time', () => {
    const ledger = open(freshFile());
    ledger.insertSession(session('a', '京A11111', 1000));
    ledger.insertSession(session('b', '京A22222', 5000));
    expect(ledger.searchSessions('s1', { plate: '2222', limit: 10, offset: 0 }).items.map((s) => s.id)).toEqual(['b']);
    expect(ledger.searchSessions('s1', { to: 2000, limit: 10, offset: 0 }).total).toBe(1);
  });

  it('records exceptions and resolves each once', () => {
    const ledger = open(freshFile());
    const id = ledger.raiseException({
      site: 's1',
      at: 1,
      kind: 'fuzzyMatch',
      gate: 'g1',
      lane: 'entry',
      plate: '京A12345',
      readPlate: '京A1234S',
      sessionId: null,
      detail: null,
    });
    expect(ledger.listExceptions('s1', 'open')).toHaveLength(1);
    expect(ledger.resolveException(id, 'staff1', 2, 'confirmed')).toBe(true);
    expect(ledger.resolveException(id, 'staff1', 3, 'again')).toBe(false);
    expect(ledger.getException(id)).toMatchObject({ status: 'resolved', resolvedBy: 'staff1' });
  });
});

describe('accounts', () => {
  it('hashes passwords with scrypt and verifies them', async () => {
    const stored = hashPasswordSync('s3cret-pass');
    expect(stored.startsWith('scrypt$')).toBe(true);
    expect(stored).not.toContain('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', stored)).toBe(true);
    expect(await verifyPassword('wrong', stored)).toBe(false);
  });

  it('issues tokens that expire and can be revoked', async () => {
    const db = openDatabase(freshFile());
    opened.push(db);
    new Ledger(db);
    const accounts = new AccountStore(db);
    accounts.upsertUser({ username: 'wang', role: 'staff', sites: ['s1'], displayName: '王师傅' }, 'password1');
    expect(await accounts.authenticate('wang', 'nope')).toBeNull();
    expect(await accounts.authenticate('ghost', 'password1')).toBeNull();
    expect((await accounts.authenticate('wang', 'password1'))?.role).toBe('staff');
    const { token, expiresAt } = accounts.issueToken('wang', 1000, 60_000);
    expect(expiresAt).toBe(61_000);
    expect(accounts.userForToken(token, 2000)?.sites).toEqual(['s1']);
    expect(accounts.userForToken(token, 61_000)).toBeNull();
    const second = accounts.issueToken('wang', 1000, 60_000).token;
    accounts.revokeToken(second);
    expect(accounts.userForToken(second, 2000)).toBeNull();
  });
});

describe('held exits', () => {
  it('keeps one hold per car, not per lane: a second car held at the lane leaves the first one held', () => {
    const ledger = open(freshFile());
    ledger.insertSession(session('a', '苏E00001', 1_000));
    ledger.insertSession(session('b', '苏E00002', 2_000));
    ledger.holdExit('s1', 'g1', 'exit', 'a', 10_000);
    ledger.holdExit('s1', 'g1', 'exit', 'b', 12_000);
    expect(ledger.heldExitOf('s1', 'a')).toEqual({ sessionId: 'a', gate: 'g1', lane: 'exit', since: 10_000 });
    expect(ledger.heldAtLane('s1', 'g1', 'exit').map((h) => h.sessionId)).toEqual(['b', 'a']);
    // An older read of the same car, delivered late, does not move its hold back.
    ledger.holdExit('s1', 'g2', 'exit', 'a', 9_000);
    expect(ledger.heldExitOf('s1', 'a')?.gate).toBe('g1');
    ledger.holdExit('s1', 'g2', 'exit', 'a', 11_000);
    expect(ledger.heldExitOf('s1', 'a')).toMatchObject({ gate: 'g2', since: 11_000 });
    // A stay that ends holds its car nowhere.
    ledger.closeSession('b', { exitAt: 13_000, exitGate: 'g1', feeFen: 0, breakdown: null, closeReason: 'EXIT_FREE' });
    expect(ledger.heldAtLane('s1', 'g1', 'exit')).toEqual([]);
    ledger.releaseExit('s1', 'a');
    expect(ledger.heldExitOf('s1', 'a')).toBeNull();
  });

  it('carries the holds of a ledger written with one hold per lane over, once', () => {
    const file = freshFile();
    const db = openDatabase(file);
    db.exec(`CREATE TABLE pending_exits (site TEXT NOT NULL, gate TEXT NOT NULL, lane TEXT NOT NULL,
               session_id TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (site, gate, lane)) WITHOUT ROWID;
             INSERT INTO pending_exits VALUES ('s1', 'g1', 'exit', 'a', 10000);`);
    db.close();
    const ledger = open(file);
    expect(ledger.heldExitOf('s1', 'a')).toEqual({ sessionId: 'a', gate: 'g1', lane: 'exit', since: 10_000 });
    const old = dbUnder(ledger).prepare("SELECT name FROM sqlite_master WHERE name = 'pending_exits'").get();
    expect(old).toBeUndefined();
    // Opening it again is a no-op.
    expect(open(file).heldExitOf('s1', 'a')?.since).toBe(10_000);
  });
});

describe('event claims with payload digests', () => {
  it('tells a redelivery from a reused id with another payload, and takes claims from before digests as redeliveries', () => {
    const file = freshFile();
    const db = openDatabase(file);
    db.exec(`CREATE TABLE processed_events (device_id TEXT NOT NULL, event_id TEXT NOT NULL, kind TEXT NOT NULL,
               received_at INTEGER NOT NULL, PRIMARY KEY (device_id, event_id)) WITHOUT ROWID;
             INSERT INTO processed_events VALUES ('cam-in', 'old-1', 'plate', 1000);`);
    db.close();
    const ledger = open(file);
    expect(ledger.claimEventOnce('cam-in', 'old-1', 'plate', 2000, 'aaaa')).toBe('duplicate');
    expect(ledger.claimEventOnce('cam-in', 'e-1', 'plate', 2000, 'aaaa')).toBe('new');
    expect(ledger.claimEventOnce('cam-in', 'e-1', 'plate', 3000, 'aaaa')).toBe('duplicate');
    expect(ledger.claimEventOnce('cam-in', 'e-1', 'plate', 3000, 'bbbb')).toBe('conflict');
    expect(ledger.claimEventOnce('cam-out', 'e-1', 'plate', 3000, 'bbbb')).toBe('new');
  });
});

describe('sessions written before passes could end during a stay (#26.3)', () => {
  it('gains class_until, null for the sessions already there, and stores it for new ones', () => {
    const file = freshFile();
    const db = openDatabase(file);
    db.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, site TEXT NOT NULL, plate TEXT NOT NULL, read_plate TEXT,
               status TEXT NOT NULL, entry_at INTEGER, exit_at INTEGER, entry_gate TEXT, exit_gate TEXT,
               credential_kind TEXT NOT NULL, user_class TEXT NOT NULL, vehicle_class TEXT NOT NULL, energy TEXT NOT NULL,
               fuzzy INTEGER NOT NULL DEFAULT 0, no_entry_record INTEGER NOT NULL DEFAULT 0,
               manual_open INTEGER NOT NULL DEFAULT 0, visitor_until INTEGER, fee_fen INTEGER,
               paid_fen INTEGER NOT NULL DEFAULT 0, breakdown TEXT, close_reason TEXT);
             INSERT INTO sessions (id, site, plate, status, entry_at, credential_kind, user_class, vehicle_class, energy)
               VALUES ('old', 's1', '苏E1', 'open', 1000, 'monthly', 'monthly', 'small', 'fuel');`);
    db.close();
    const ledger = open(file);
    expect(ledger.getSession('old')).toMatchObject({ userClass: 'monthly', classUntil: null });
    ledger.insertSession(
      openSession({
        id: 'new',
        site: 's1',
        plate: '苏E2',
        readPlate: '苏E2',
        entryAt: 2000,
        credentialKind: 'monthly',
        userClass: 'monthly',
        vehicleClass: 'small',
        energy: 'fuel',
        classUntil: 9000,
      }),
    );
    expect(ledger.getSession('new')?.classUntil).toBe(9000);
  });
});
