import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface SessionRow {
  plate: string;
  status: string;
  entryAt: number | null;
  exitAt: number | null;
  feeFen: number | null;
  paidFen: number;
  closeReason: string | null;
  credentialKind: string;
  userClass: string;
  noEntryRecord: number;
}

/** What a run leaves in the ledger, with times as offsets from the run's base so two runs compare. */
export interface LedgerSnapshot {
  sessions: SessionRow[];
  payments: { id: string; plate: string | null; amountFen: number; at: number; sessionPlate: string | null }[];
  /** One entry per event ref: the decision taken for it. */
  decisions: Record<string, { action: string; reason: string; plate: string | null }>;
  /** Every decision in the order it was taken: event ref, action, reason, plate, time offset (for diagnosis). */
  decisionLog: string[];
  /** Event refs with more than one decision: must be empty. */
  repeatedDecisions: string[];
  /** Payments whose session's paid_fen is not the sum of its payments: must be empty. */
  paidMismatches: string[];
  processedEvents: number;
  commandIds: string[];
  /** The site's gate count (entries minus exits) in the saved occupancy state, or null before the first save. */
  savedGateCount: number | null;
}

/** Reads a gateway's ledger (read-only; the gateway may still have it open). */
export function snapshotLedger(dataDir: string, base: number): LedgerSnapshot {
  const db = new Database(join(dataDir, 'ledger.db'), { readonly: true, fileMustExist: true });
  try {
    const off = (t: number | null) => (t === null ? null : t - base);
    const sessions = (
      db
        .prepare(
          `SELECT plate, status, entry_at, exit_at, fee_fen, paid_fen, close_reason, credential_kind, user_class,
                  no_entry_record FROM sessions ORDER BY plate, entry_at`,
        )
        .all() as {
        plate: string;
        status: string;
        entry_at: number | null;
        exit_at: number | null;
        fee_fen: number | null;
        paid_fen: number;
        close_reason: string | null;
        credential_kind: string;
        user_class: string;
        no_entry_record: number;
      }[]
    ).map((r) => ({
      plate: r.plate,
      status: r.status,
      entryAt: off(r.entry_at),
      exitAt: off(r.exit_at),
      feeFen: r.fee_fen,
      paidFen: r.paid_fen,
      closeReason: r.close_reason,
      credentialKind: r.credential_kind,
      userClass: r.user_class,
      noEntryRecord: r.no_entry_record,
    }));
    const payments = (
      db
        .prepare(
          `SELECT p.id, p.plate, p.amount_fen, p.at, s.plate AS session_plate
           FROM payments p LEFT JOIN sessions s ON s.id = p.session_id ORDER BY p.id`,
        )
        .all() as { id: string; plate: string | null; amount_fen: number; at: number; session_plate: string | null }[]
    ).map((r) => ({
      id: r.id,
      plate: r.plate,
      amountFen: r.amount_fen,
      at: r.at - base,
      sessionPlate: r.session_plate,
    }));
    const decisions: LedgerSnapshot['decisions'] = {};
    const repeatedDecisions: string[] = [];
    const commandIds: string[] = [];
    const rows = db
      .prepare('SELECT event_ref, action, reason, plate, display, at FROM decisions ORDER BY id')
      .all() as {
      at: number;
      event_ref: string | null;
      action: string;
      reason: string;
      plate: string | null;
      display: string;
    }[];
    const decisionLog = rows.map((r) => `${r.event_ref} ${r.action} ${r.reason} ${r.plate} @${r.at - base}`);
    for (const row of rows) {
      const commandId = (JSON.parse(row.display) as { commandId?: string | null }).commandId;
      if (commandId) commandIds.push(commandId);
      if (row.event_ref === null) continue;
      if (decisions[row.event_ref]) repeatedDecisions.push(row.event_ref);
      decisions[row.event_ref] = { action: row.action, reason: row.reason, plate: row.plate };
    }
    const paidMismatches = (
      db
        .prepare(
          `SELECT s.plate FROM sessions s
           WHERE s.paid_fen <> (SELECT COALESCE(SUM(amount_fen), 0) FROM payments p WHERE p.session_id = s.id)`,
        )
        .all() as { plate: string }[]
    ).map((r) => r.plate);
    const processedEvents = (db.prepare('SELECT COUNT(*) AS n FROM processed_events').get() as { n: number }).n;
    const saved = db.prepare("SELECT value FROM saved_state WHERE key = 'occupancy-engine'").get() as
      | { value: string }
      | undefined;
    const savedGateCount = saved
      ? ((JSON.parse(saved.value) as { engine: { sites: Record<string, { gateCount: number }> } }).engine.sites.s1
          ?.gateCount ?? null)
      : null;
    return {
      sessions,
      payments,
      decisions,
      decisionLog,
      repeatedDecisions,
      paidMismatches,
      processedEvents,
      commandIds,
      savedGateCount,
    };
  } finally {
    db.close();
  }
}

/** Processed events so far, or 0 before the gateway created its ledger. */
export function processedEventCount(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, 'ledger.db'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM processed_events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}
