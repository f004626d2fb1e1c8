import type { Statement } from 'better-sqlite3';
import type {
  AuditEntry,
  CapacityRecord,
  CloseSession,
  DecisionRecord,
  DecisionRow,
  ExceptionRecord,
  HeldExit,
  LedgerPort,
  SessionQuery,
} from '../../app/ports.ts';
import type { ExceptionKind, Payment, Session } from '../../domain/session/session.ts';
import type { Db } from './database.ts';
import { LEDGER_SCHEMA } from './ledger-schema.ts';

export type {
  AuditEntry,
  CapacityRecord,
  CloseSession,
  DecisionRecord,
  DecisionRow,
  ExceptionRecord,
  HeldExit,
  SessionQuery,
} from '../../app/ports.ts';

type Row = Record<string, unknown>;

function toSession(row: Row): Session {
  return {
    id: row.id as string,
    site: row.site as string,
    plate: row.plate as string,
    readPlate: (row.read_plate as string | null) ?? null,
    status: row.status as Session['status'],
    entryAt: (row.entry_at as number | null) ?? null,
    exitAt: (row.exit_at as number | null) ?? null,
    entryGate: (row.entry_gate as string | null) ?? null,
    exitGate: (row.exit_gate as string | null) ?? null,
    credentialKind: row.credential_kind as Session['credentialKind'],
    userClass: row.user_class as string,
    vehicleClass: row.vehicle_class as Session['vehicleClass'],
    energy: row.energy as Session['energy'],
    fuzzy: row.fuzzy === 1,
    noEntryRecord: row.no_entry_record === 1,
    manualOpen: row.manual_open === 1,
    visitorUntil: (row.visitor_until as number | null) ?? null,
    classUntil: (row.class_until as number | null) ?? null,
    feeFen: (row.fee_fen as number | null) ?? null,
    paidFen: row.paid_fen as number,
    breakdown: row.breakdown ? JSON.parse(row.breakdown as string) : null,
    closeReason: (row.close_reason as string | null) ?? null,
  };
}

function toPayment(row: Row): Payment {
  return {
    id: row.id as string,
    site: row.site as string,
    sessionId: (row.session_id as string | null) ?? null,
    plate: (row.plate as string | null) ?? null,
    amountFen: row.amount_fen as number,
    method: row.method as string,
    source: row.source as Payment['source'],
    at: row.at as number,
  };
}

/**
 * Ledgers written before holds were kept per session had one hold per lane (`pending_exits`): carry those over once.
 */
function migrateHeldExits(db: Db): void {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pending_exits'").get();
  if (!old) return;
  db.transaction(function carryOver() {
    db.exec(
      `INSERT OR IGNORE INTO held_exits (site, session_id, gate, lane, since)
       SELECT site, session_id, gate, lane, since FROM pending_exits;
       DROP TABLE pending_exits;`,
    );
  })();
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/** The ledger: the source of truth for sessions and money. Every write is a short synchronous transaction. */
export class Ledger implements LedgerPort {
  /** Prepared once per SQL text: preparing costs more than running the small statements of the hot paths. */
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    db.exec(LEDGER_SCHEMA);
    migrateHeldExits(db);
    addColumnIfMissing(db, 'processed_events', 'digest', 'TEXT');
    addColumnIfMissing(db, 'sessions', 'class_until', 'INTEGER');
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private unsyncedDepth = 0;
  private syncedLevel: number | null = null;

  /**
   * Runs `fn` with its commits written to the WAL but not synced to disk (synchronous=NORMAL), for device readings
   * whose loss in a power cut costs nothing: the next reading restates them. They still survive a kill -9, and the
   * next synced commit (every money write) syncs them too. Thousands of readings a second cannot each pay an fsync.
   */
  unsynced<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    if (this.unsyncedDepth === 0) {
      this.syncedLevel ??= Number(this.db.pragma('synchronous', { simple: true }));
      this.prepare('PRAGMA synchronous = NORMAL').run();
    }
    this.unsyncedDepth++;
    try {
      return fn();
    } finally {
      if (--this.unsyncedDepth === 0) this.prepare(`PRAGMA synchronous = ${this.syncedLevel}`).run();
    }
  }

  /**
   * Makes every commit so far durable against a power cut: one fully synced write, whose fsync covers the WAL frames
   * of the unsynced commits before it. The gate calls it right after the barrier command has gone out.
   */
  syncNow(at: number): void {
    this.prepare('INSERT OR REPLACE INTO sync_marker (id, at) VALUES (1, ?)').run(at);
  }

  /** Records a device event as applied; false when it was applied before (redelivery or duplicate). */
  claimEvent(deviceId: string, eventId: string, kind: string, receivedAt: number): boolean {
    const info = this.prepare(
      'INSERT OR IGNORE INTO processed_events (device_id, event_id, kind, received_at) VALUES (?, ?, ?, ?)',
    ).run(deviceId, eventId, kind, receivedAt);
    return info.changes === 1;
  }

  /**
   * Claims a device event by its id and the digest of its payload: `new` the first time; `duplicate` for the same
   * payload again (a redelivery); `conflict` for the same id with another payload (a camera whose counter reset),
   * which is not a redelivery and must not replay the first event's outcome.
   */
  claimEventOnce(
    deviceId: string,
    eventId: string,
    kind: string,
    receivedAt: number,
    digest: string,
  ): 'new' | 'duplicate' | 'conflict' {
    const info = this.prepare(
      'INSERT OR IGNORE INTO processed_events (device_id, event_id, kind, received_at, digest) VALUES (?, ?, ?, ?, ?)',
    ).run(deviceId, eventId, kind, receivedAt, digest);
    if (info.changes === 1) return 'new';
    const row = this.prepare('SELECT digest FROM processed_events WHERE device_id = ? AND event_id = ?').get(
      deviceId,
      eventId,
    ) as { digest: string | null } | undefined;
    // Claimed before digests were kept: taken as the same event.
    return row?.digest === null || row?.digest === digest ? 'duplicate' : 'conflict';
  }

  countProcessedEvents(): number {
    return (this.prepare('SELECT COUNT(*) AS n FROM processed_events').get() as { n: number }).n;
  }

  /** Drops idempotency keys older than `before`; devices never redeliver that late. */
  pruneProcessedEvents(before: number): number {
    return this.prepare('DELETE FROM processed_events WHERE received_at < ?').run(before).changes;
  }

  insertSession(s: Session): void {
    this.prepare(
      `INSERT INTO sessions (id, site, plate, read_plate, status, entry_at, exit_at, entry_gate, exit_gate,
          credential_kind, user_class, vehicle_class, energy, fuzzy, no_entry_record, manual_open, visitor_until,
          class_until, fee_fen, paid_fen, breakdown, close_reason)
         VALUES (@id, @site, @plate, @readPlate, @status, @entryAt, @exitAt, @entryGate, @exitGate, @credentialKind,
          @userClass, @vehicleClass, @energy, @fuzzy, @noEntryRecord, @manualOpen, @visitorUntil, @classUntil,
          @feeFen, @paidFen, @breakdown, @closeReason)`,
    ).run({
      ...s,
      fuzzy: s.fuzzy ? 1 : 0,
      noEntryRecord: s.noEntryRecord ? 1 : 0,
      manualOpen: s.manualOpen ? 1 : 0,
      breakdown: json(s.breakdown),
    });
  }

  getSession(id: string): Session | null {
    const row = this.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return row ? toSession(row) : null;
  }

  findOpenSession(site: string, plate: string): Session | null {
    const row = this.prepare("SELECT * FROM sessions WHERE site = ? AND plate = ? AND status = 'open'").get(
      site,
      plate,
    ) as Row | undefined;
    return row ? toSession(row) : null;
  }

  lastClosedSession(site: string, plate: string): Session | null {
    const row = this.prepare(
      "SELECT * FROM sessions WHERE site = ? AND plate = ? AND status = 'closed' ORDER BY exit_at DESC LIMIT 1",
    ).get(site, plate) as Row | undefined;
    return row ? toSession(row) : null;
  }

  openPlates(site: string): string[] {
    return (
      this.prepare("SELECT plate FROM sessions WHERE site = ? AND status = 'open'").all(site) as { plate: string }[]
    ).map((r) => r.plate);
  }

  openSessions(site: string): Session[] {
    return (this.prepare("SELECT * FROM sessions WHERE site = ? AND status = 'open'").all(site) as Row[]).map(
      toSession,
    );
  }

  closeSession(id: string, close: CloseSession): void {
    const info = this.prepare(
      `UPDATE sessions SET status = 'closed', exit_at = ?, exit_gate = ?, fee_fen = ?, breakdown = ?, close_reason = ?
         WHERE id = ? AND status = 'open'`,
    ).run(close.exitAt, close.exitGate, close.feeFen, json(close.breakdown), close.closeReason, id);
    if (info.changes !== 1) throw Object.assign(new Error(`session ${id} is not open`), { code: 'LEDGER_NOT_OPEN' });
    // A stay that has ended holds its car at no lane.
    this.prepare('DELETE FROM held_exits WHERE session_id = ?').run(id);
  }

  markSession(id: string, flags: { fuzzy?: boolean; manualOpen?: boolean; plate?: string }): void {
    const current = this.getSession(id);
    if (!current) return;
    this.prepare('UPDATE sessions SET fuzzy = ?, manual_open = ?, plate = ? WHERE id = ?').run(
      (flags.fuzzy ?? current.fuzzy) ? 1 : 0,
      (flags.manualOpen ?? current.manualOpen) ? 1 : 0,
      flags.plate ?? current.plate,
      id,
    );
  }

  searchSessions(site: string, q: SessionQuery): { total: number; items: Session[] } {
    const where = ['site = @site'];
    if (q.plate) where.push('plate LIKE @plate');
    if (q.from !== undefined) where.push('COALESCE(exit_at, 9e15) >= @from');
    if (q.to !== undefined) where.push('COALESCE(entry_at, exit_at) <= @to');
    if (q.status) where.push('status = @status');
    const params = { site, plate: q.plate ? `%${q.plate}%` : undefined, from: q.from, to: q.to, status: q.status };
    const clause = where.join(' AND ');
    const total = (this.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE ${clause}`).get(params) as { n: number }).n;
    const items = (
      this.prepare(
        `SELECT * FROM sessions WHERE ${clause} ORDER BY COALESCE(entry_at, exit_at) DESC LIMIT @limit OFFSET @offset`,
      ).all({ ...params, limit: q.limit, offset: q.offset }) as Row[]
    ).map(toSession);
    return { total, items };
  }

  /** Sessions that overlap [from, to): the input of the evaluation reports. */
  sessionsOverlapping(site: string, from: number, to: number): Session[] {
    return (
      this.prepare(
        `SELECT * FROM sessions WHERE site = ? AND COALESCE(entry_at, exit_at) < ? AND COALESCE(exit_at, 9e15) >= ?`,
      ).all(site, to, from) as Row[]
    ).map(toSession);
  }

  allSessions(site: string): Session[] {
    return (this.prepare('SELECT * FROM sessions WHERE site = ? ORDER BY id').all(site) as Row[]).map(toSession);
  }

  /** Adds a payment and the paid total of its session; false when this payment id was applied before. */
  addPayment(p: Payment): boolean {
    const info = this.prepare(
      `INSERT OR IGNORE INTO payments (id, site, session_id, plate, amount_fen, method, source, at)
         VALUES (@id, @site, @sessionId, @plate, @amountFen, @method, @source, @at)`,
    ).run(p);
    if (info.changes !== 1) return false;
    if (p.sessionId) {
      this.prepare('UPDATE sessions SET paid_fen = paid_fen + ? WHERE id = ?').run(p.amountFen, p.sessionId);
    }
    return true;
  }

  getPayment(id: string): Payment | null {
    const row = this.prepare('SELECT * FROM payments WHERE id = ?').get(id) as Row | undefined;
    return row ? toPayment(row) : null;
  }

  /** Payments kept for a plate that had no open session when they arrived (delivered before the car's exit read). */
  unappliedPayments(site: string, plate: string, since: number): Payment[] {
    return (
      this.prepare(
        'SELECT * FROM payments WHERE site = ? AND plate = ? AND session_id IS NULL AND at >= ? ORDER BY at',
      ).all(site, plate, since) as Row[]
    ).map(toPayment);
  }

  /** Gives a kept payment its session and adds it to the session's paid total. */
  attachPayment(paymentId: string, sessionId: string): void {
    const info = this.prepare('UPDATE payments SET session_id = ? WHERE id = ? AND session_id IS NULL').run(
      sessionId,
      paymentId,
    );
    if (info.changes === 1) {
      this.prepare(
        'UPDATE sessions SET paid_fen = paid_fen + (SELECT amount_fen FROM payments WHERE id = ?) WHERE id = ?',
      ).run(paymentId, sessionId);
    }
  }

  paymentsFor(sessionId: string): Payment[] {
    return (this.prepare('SELECT * FROM payments WHERE session_id = ? ORDER BY at').all(sessionId) as Row[]).map(
      toPayment,
    );
  }

  paymentsInRange(site: string, from: number, to: number): Payment[] {
    return (
      this.prepare('SELECT * FROM payments WHERE site = ? AND at >= ? AND at < ? ORDER BY at').all(
        site,
        from,
        to,
      ) as Row[]
    ).map(toPayment);
  }

  recordDecision(d: DecisionRecord): number {
    const info = this.prepare(
      `INSERT INTO decisions (site, gate, lane, at, plate, read_plate, action, reason, session_id, credential_kind,
          fuzzy, display, event_ref)
         VALUES (@site, @gate, @lane, @at, @plate, @readPlate, @action, @reason, @sessionId, @credentialKind, @fuzzy,
          @display, @eventRef)`,
    ).run({ ...d, fuzzy: json(d.fuzzy), display: JSON.stringify(d.display) });
    return Number(info.lastInsertRowid);
  }

  private toDecision(row: Row): DecisionRow {
    return {
      id: row.id as number,
      site: row.site as string,
      gate: row.gate as string,
      lane: row.lane as string,
      at: row.at as number,
      plate: (row.plate as string | null) ?? null,
      readPlate: (row.read_plate as string | null) ?? null,
      action: row.action as string,
      reason: row.reason as string,
      sessionId: (row.session_id as string | null) ?? null,
      credentialKind: (row.credential_kind as string | null) ?? null,
      fuzzy: row.fuzzy ? JSON.parse(row.fuzzy as string) : null,
      display: JSON.parse(row.display as string),
      eventRef: (row.event_ref as string | null) ?? null,
    };
  }

  /** The decision recorded for a device event, payment or staff action (its event ref), if any. */
  decisionByEvent(site: string, eventRef: string): DecisionRow | null {
    const row = this.prepare('SELECT * FROM decisions WHERE site = ? AND event_ref = ?').get(site, eventRef) as
      | Row
      | undefined;
    return row ? this.toDecision(row) : null;
  }

  decisionsFor(sessionId: string): DecisionRow[] {
    return (this.prepare('SELECT * FROM decisions WHERE session_id = ? ORDER BY id').all(sessionId) as Row[]).map((r) =>
      this.toDecision(r),
    );
  }

  decisionsInRange(site: string, from: number, to: number): DecisionRow[] {
    return (
      this.prepare('SELECT * FROM decisions WHERE site = ? AND at >= ? AND at < ? ORDER BY at').all(
        site,
        from,
        to,
      ) as Row[]
    ).map((r) => this.toDecision(r));
  }

  recentDecisions(site: string, gate: string, lane: string, limit: number): DecisionRow[] {
    return (
      this.prepare('SELECT * FROM decisions WHERE site = ? AND gate = ? AND lane = ? ORDER BY id DESC LIMIT ?').all(
        site,
        gate,
        lane,
        limit,
      ) as Row[]
    ).map((r) => this.toDecision(r));
  }

  audit(entry: AuditEntry): number {
    const info = this.prepare(
      'INSERT INTO audit_log (at, actor, action, site, target, reason, detail) VALUES (@at, @actor, @action, @site, @target, @reason, @detail)',
    ).run({ ...entry, detail: json(entry.detail) });
    return Number(info.lastInsertRowid);
  }

  auditList(
    site: string | null,
    limit: number,
    offset: number,
  ): { total: number; items: (AuditEntry & { id: number })[] } {
    const clause = site ? 'WHERE site = ?' : '';
    const args = site ? [site] : [];
    const total = (this.prepare(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n;
    const rows = this.prepare(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(
      ...args,
      limit,
      offset,
    ) as Row[];
    return {
      total,
      items: rows.map((r) => ({
        id: r.id as number,
        at: r.at as number,
        actor: r.actor as string,
        action: r.action as string,
        site: (r.site as string | null) ?? null,
        target: (r.target as string | null) ?? null,
        reason: (r.reason as string | null) ?? null,
        detail: r.detail ? JSON.parse(r.detail as string) : null,
      })),
    };
  }

  raiseException(e: Omit<ExceptionRecord, 'id' | 'status' | 'resolvedBy' | 'resolvedAt' | 'note'>): number {
    const info = this.prepare(
      `INSERT INTO exceptions (site, at, kind, gate, lane, plate, read_plate, session_id, detail)
         VALUES (@site, @at, @kind, @gate, @lane, @plate, @readPlate, @sessionId, @detail)`,
    ).run({ ...e, detail: json(e.detail) });
    return Number(info.lastInsertRowid);
  }

  private toException(r: Row): ExceptionRecord {
    return {
      id: r.id as number,
      site: r.site as string,
      at: r.at as number,
      kind: r.kind as ExceptionKind,
      gate: (r.gate as string | null) ?? null,
      lane: (r.lane as string | null) ?? null,
      plate: (r.plate as string | null) ?? null,
      readPlate: (r.read_plate as string | null) ?? null,
      sessionId: (r.session_id as string | null) ?? null,
      detail: r.detail ? JSON.parse(r.detail as string) : null,
      status: r.status as ExceptionRecord['status'],
      resolvedBy: (r.resolved_by as string | null) ?? null,
      resolvedAt: (r.resolved_at as number | null) ?? null,
      note: (r.note as string | null) ?? null,
    };
  }

  getException(id: number): ExceptionRecord | null {
    const row = this.prepare('SELECT * FROM exceptions WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toException(row) : null;
  }

  listExceptions(site: string, status: 'open' | 'resolved' | undefined, limit = 200): ExceptionRecord[] {
    const rows = status
      ? this.prepare('SELECT * FROM exceptions WHERE site = ? AND status = ? ORDER BY id DESC LIMIT ?').all(
          site,
          status,
          limit,
        )
      : this.prepare('SELECT * FROM exceptions WHERE site = ? ORDER BY id DESC LIMIT ?').all(site, limit);
    return (rows as Row[]).map((r) => this.toException(r));
  }

  exceptionsInRange(site: string, from: number, to: number): ExceptionRecord[] {
    return (
      this.prepare('SELECT * FROM exceptions WHERE site = ? AND at >= ? AND at < ?').all(site, from, to) as Row[]
    ).map((r) => this.toException(r));
  }

  resolveException(id: number, by: string, at: number, note: string): boolean {
    return (
      this.prepare(
        "UPDATE exceptions SET status = 'resolved', resolved_by = ?, resolved_at = ?, note = ? WHERE id = ? AND status = 'open'",
      ).run(by, at, note, id).changes === 1
    );
  }

  /** Holds a session's car at an exit lane (its fee is due) from `since`; a later read of the same car moves it. */
  holdExit(site: string, gate: string, lane: string, sessionId: string, since: number): void {
    // Reads can arrive out of order: the latest read of the car says where it is held.
    this.prepare(
      `INSERT INTO held_exits (site, session_id, gate, lane, since) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (site, session_id) DO UPDATE SET gate = excluded.gate, lane = excluded.lane, since = excluded.since
       WHERE excluded.since >= held_exits.since`,
    ).run(site, sessionId, gate, lane, since);
  }

  /** Where a session's car is held, if it is. */
  heldExitOf(site: string, sessionId: string): HeldExit | null {
    const row = this.prepare(
      'SELECT session_id, gate, lane, since FROM held_exits WHERE site = ? AND session_id = ?',
    ).get(site, sessionId) as { session_id: string; gate: string; lane: string; since: number } | undefined;
    return row ? { sessionId: row.session_id, gate: row.gate, lane: row.lane, since: row.since } : null;
  }

  /** The cars held at a lane, the latest read (the car at the barrier) first. */
  heldAtLane(site: string, gate: string, lane: string): HeldExit[] {
    const rows = this.prepare(
      'SELECT session_id, gate, lane, since FROM held_exits WHERE site = ? AND gate = ? AND lane = ? ORDER BY since DESC',
    ).all(site, gate, lane) as { session_id: string; gate: string; lane: string; since: number }[];
    return rows.map((r) => ({ sessionId: r.session_id, gate: r.gate, lane: r.lane, since: r.since }));
  }

  /** The session's car is no longer held (it left, or was let out). */
  releaseExit(site: string, sessionId: string): void {
    this.prepare('DELETE FROM held_exits WHERE site = ? AND session_id = ?').run(site, sessionId);
  }

  /** A zone's capacity from an instant on: from the config, or a closure (capacity 0) and its reopening. */
  recordCapacity(v: CapacityRecord): void {
    this.db
      .prepare(
        'INSERT INTO capacity_versions (site, zone, from_at, capacity, source, note, actor) VALUES (@site, @zone, @from, @capacity, @source, @note, @actor)',
      )
      .run({ ...v, note: v.note ?? null, actor: v.actor ?? null });
  }

  capacityVersions(site: string): CapacityRecord[] {
    return (
      this.db
        .prepare(
          'SELECT site, zone, from_at, capacity, source, note, actor FROM capacity_versions WHERE site = ? ORDER BY from_at, id',
        )
        .all(site) as Row[]
    ).map((r) => ({
      site: r.site as string,
      zone: r.zone as string,
      from: r.from_at as number,
      capacity: r.capacity as number,
      source: r.source as CapacityRecord['source'],
      note: (r.note as string | null) ?? null,
      actor: (r.actor as string | null) ?? null,
    }));
  }

  maxDecisionId(): number {
    return (this.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM decisions').get() as { id: number }).id;
  }

  /** Barrier openings recorded after a decision id: the passages a saved occupancy state has not seen. */
  openingsAfter(id: number): { site: string; gate: string; lane: 'entry' | 'exit'; at: number }[] {
    return this.prepare("SELECT site, gate, lane, at FROM decisions WHERE id > ? AND action = 'open' ORDER BY id").all(
      id,
    ) as { site: string; gate: string; lane: 'entry' | 'exit'; at: number }[];
  }

  saveState(key: string, value: unknown, at: number): void {
    this.prepare('INSERT OR REPLACE INTO saved_state (key, value, saved_at) VALUES (?, ?, ?)').run(
      key,
      JSON.stringify(value),
      at,
    );
  }

  loadState<T>(key: string): T | null {
    const row = this.prepare('SELECT value FROM saved_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  }
}

/** Adds a column to a table written by an earlier version, once. */
function addColumnIfMissing(db: Db, table: string, column: string, type: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
