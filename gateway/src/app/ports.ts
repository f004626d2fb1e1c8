import type { GatePassage, SpaceChange } from '../domain/occupancy/occupancy.schema.ts';
import type { ExceptionKind, Payment, Session } from '../domain/session/session.ts';

/**
 * The ports of the application layer: what the use cases need from the outside, declared here and implemented by the
 * adapters (the SQLite ledger, the MQTT link, the time-series recorder). The use cases import these, never an adapter;
 * the composition root (gateway/src/compose.ts) plugs the adapters in.
 */

export interface DecisionRecord {
  site: string;
  gate: string;
  lane: string;
  at: number;
  plate: string | null;
  readPlate: string | null;
  action: string;
  reason: string;
  sessionId: string | null;
  credentialKind: string | null;
  fuzzy: unknown;
  display: unknown;
  eventRef: string | null;
}

export interface DecisionRow extends DecisionRecord {
  id: number;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  site: string | null;
  target: string | null;
  reason: string | null;
  detail: unknown;
}

export interface ExceptionRecord {
  id: number;
  site: string;
  at: number;
  kind: ExceptionKind;
  gate: string | null;
  lane: string | null;
  plate: string | null;
  readPlate: string | null;
  sessionId: string | null;
  detail: unknown;
  status: 'open' | 'resolved';
  resolvedBy: string | null;
  resolvedAt: number | null;
  note: string | null;
}

export interface CapacityRecord {
  site: string;
  zone: string;
  from: number;
  capacity: number;
  source: 'config' | 'closed' | 'reopened';
  note?: string | null;
  actor?: string | null;
}

export interface SessionQuery {
  plate?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  status?: 'open' | 'closed' | undefined;
  limit: number;
  offset: number;
}

/** A car held at an exit lane since its read there, until it pays or is let out. */
export interface HeldExit {
  sessionId: string;
  gate: string;
  lane: string;
  since: number;
}

export interface CloseSession {
  exitAt: number;
  exitGate: string | null;
  feeFen: number;
  breakdown: unknown;
  closeReason: string;
}

/** The ledger: sessions, money, decisions, exceptions, holds and idempotency keys; every write a short transaction. */
export interface LedgerPort {
  /** Runs `fn` as one transaction: all of its writes or none. */
  transaction<T>(fn: () => T): T;
  /** Runs `fn` with its commits in the WAL but not yet synced (they survive a kill, not a power cut). */
  unsynced<T>(fn: () => T): T;
  /** Makes every commit so far durable against a power cut. */
  syncNow(at: number): void;
  /** Records a device event as applied; false when it was applied before. */
  claimEvent(deviceId: string, eventId: string, kind: string, receivedAt: number): boolean;
  /** The same, telling a redelivery (same payload digest) from a conflict (same id, another payload). */
  claimEventOnce(
    deviceId: string,
    eventId: string,
    kind: string,
    receivedAt: number,
    digest: string,
  ): 'new' | 'duplicate' | 'conflict';

  insertSession(session: Session): void;
  getSession(id: string): Session | null;
  findOpenSession(site: string, plate: string): Session | null;
  /** The plate's most recently ended stay at the site, if any. */
  lastClosedSession(site: string, plate: string): Session | null;
  decisionsFor(sessionId: string): DecisionRow[];
  openPlates(site: string): string[];
  openSessions(site: string): Session[];
  closeSession(id: string, close: CloseSession): void;
  markSession(id: string, flags: { fuzzy?: boolean; manualOpen?: boolean; plate?: string }): void;

  addPayment(payment: Payment): boolean;
  getPayment(id: string): Payment | null;
  unappliedPayments(site: string, plate: string, since: number): Payment[];
  attachPayment(paymentId: string, sessionId: string): void;
  paymentsFor(sessionId: string): Payment[];

  recordDecision(decision: DecisionRecord): number;
  decisionByEvent(site: string, eventRef: string): DecisionRow | null;
  audit(entry: AuditEntry): number;
  raiseException(e: Omit<ExceptionRecord, 'id' | 'status' | 'resolvedBy' | 'resolvedAt' | 'note'>): number;
  listExceptions(site: string, status: 'open' | 'resolved' | undefined, limit?: number): ExceptionRecord[];

  holdExit(site: string, gate: string, lane: string, sessionId: string, since: number): void;
  heldExitOf(site: string, sessionId: string): HeldExit | null;
  heldAtLane(site: string, gate: string, lane: string): HeldExit[];
  releaseExit(site: string, sessionId: string): void;

  maxDecisionId(): number;
  openingsAfter(id: number): { site: string; gate: string; lane: 'entry' | 'exit'; at: number }[];
  saveState(key: string, value: unknown, at: number): void;
  loadState<T>(key: string): T | null;
}

/** Sends a message to devices and other clients (the MQTT link). */
export interface Publisher {
  publish(topic: string, payload: unknown, options?: { retain?: boolean }): Promise<void>;
}

/** Where gate outcomes, money, space changes and device health become time series (the recorder adapter). */
export interface SeriesRecorder {
  gateDecision(d: {
    site: string;
    gate: string;
    lane: 'entry' | 'exit';
    decision: 'allow' | 'deny' | 'refer';
    reason: string;
    class?: string;
    fuzzy?: boolean;
    ts: number;
  }): void;
  gatePassage(p: GatePassage): void;
  revenue(r: {
    site: string;
    amountFen: number;
    userClass: string;
    vehicleClass: string;
    method: string;
    ts: number;
  }): void;
  spaceChange(c: SpaceChange): void;
  deviceHealth(h: {
    site: string;
    device: string;
    kind: string;
    online: boolean;
    battery?: number;
    firmware?: string;
    ts: number;
  }): void;
}
