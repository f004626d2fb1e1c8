import { settleTime } from '../domain/gate/gate-rules.ts';
import { manualOpen as manualOpenDecision, paidExit } from '../domain/gate/index.ts';
import { normalizePlate } from '../domain/plate/index.ts';
import { UserClass } from '../domain/registry/credential-resolver.ts';
import type { Session } from '../domain/session/session.ts';
import type { Site } from '../domain/site.ts';
import type { PaymentPayload } from '../protocol/index.ts';
import { type GateDeps, HOLD_LAPSES_MS, type LaneRef } from './gate-ports.ts';
import type { LaneOutcomes, RecordedOutcome } from './lane-outcome.ts';

/** The parts of the gate service that payments and manual opens use. */
export interface GateCore {
  readonly deps: GateDeps;
  site(id: string): Site | undefined;
  lane(siteId: string, gateId: string, lane: 'entry' | 'exit'): LaneRef | null;
  closeSession(
    session: Session,
    at: number,
    gate: string | null,
    reason: string,
    fee: { totalFen: number; items?: unknown },
  ): void;
  /** Re-sends the command and display recorded for an event ref, if any. */
  republish(siteId: string, eventRef: string): Promise<void>;
  readonly outcomes: LaneOutcomes;
}

export interface ManualOpenInput {
  site: string;
  gate: string;
  lane: 'entry' | 'exit';
  actor: string;
  reason: string;
  plate?: string | undefined;
}

/** A payment from a pay terminal (MQTT) or an online callback; opens a lane that waits for it. */
export type PaymentInput = Pick<PaymentPayload, 'sessionId' | 'plate' | 'amountFen' | 'method'> & {
  /** Idempotency key: the same payment id is applied once. */
  paymentId: string;
  source: 'terminal' | 'callback' | 'staff';
};

/**
 * `applied` false: this payment id was recorded before (a redelivery), nothing changed. `held`: the payment named a
 * plate with no open session; the money is kept and that plate's exit read takes it up.
 */
export type PaymentResult =
  | { ok: true; applied: boolean; held: false; sessionId: string; dueFen: number }
  | { ok: true; applied: boolean; held: true; sessionId: null; dueFen: 0 }
  | { ok: false; reason: string };

export async function applyPayment(
  gate: GateCore,
  siteId: string,
  input: PaymentInput,
  at: number,
  claim?: { deviceId: string; eventId: string },
): Promise<PaymentResult> {
  const { ledger, fees } = gate.deps;
  const site = gate.site(siteId);
  if (!site) return { ok: false, reason: `unknown site ${siteId}` };
  const eventRef = claim ? `${claim.deviceId}/${claim.eventId}` : `payment/${input.paymentId}`;
  const result = ledger.transaction(() => {
    if (claim && !ledger.claimEvent(claim.deviceId, claim.eventId, 'payment', at))
      return { kind: 'duplicate' as const };
    // The same payment again (a retried callback): answer what was done with it, change nothing.
    const known = ledger.getPayment(input.paymentId);
    if (known) return { kind: 'known' as const, known };
    const plate = input.plate ? normalizePlate(input.plate).plate : null;
    const session = input.sessionId
      ? ledger.getSession(input.sessionId)
      : plate
        ? ledger.findOpenSession(siteId, plate)
        : null;
    if (!session || session.site !== siteId) {
      // Nothing is lost: a payment for a plate with no open session is kept, and the plate's exit read takes it up
      // (a terminal's payment can reach the gateway before the exit read it followed).
      if (plate && !input.sessionId) {
        const kept = {
          id: input.paymentId,
          site: siteId,
          sessionId: null,
          plate,
          amountFen: input.amountFen,
          method: input.method,
          source: input.source,
          at,
        };
        ledger.addPayment(kept);
        return { kind: 'held' as const, held: kept };
      }
      return { kind: 'missing' as const };
    }
    const applied = ledger.addPayment({
      id: input.paymentId,
      site: siteId,
      sessionId: session.id,
      plate: session.plate,
      amountFen: input.amountFen,
      method: input.method,
      source: input.source,
      at,
    });
    const fresh = ledger.getSession(session.id)!;
    // The car is let out where it is held, whatever other cars were read at that lane meanwhile (one hold per car,
    // so the order in which reads and payments arrive does not decide it), unless the hold has lapsed.
    const held = fresh.status === 'open' ? ledger.heldExitOf(siteId, fresh.id) : null;
    const pending =
      held && gate.lane(siteId, held.gate, 'exit') !== null && at - held.since <= HOLD_LAPSES_MS ? held : undefined;
    // A payment made before the car reached the barrier but delivered after its exit read (out of order) settles
    // the exit at the read's time, as if it had arrived first: the car paid, then drove up within the paid window.
    const settleAt = settleTime({ paymentAt: at, heldSince: pending?.since ?? null });
    const quote = fresh.noEntryRecord
      ? { totalFen: fresh.feeFen ?? 0, paidFen: fresh.paidFen, dueFen: (fresh.feeFen ?? 0) - fresh.paidFen }
      : fees.quoteSession(fresh, ledger.paymentsFor(fresh.id), settleAt);
    const opens: RecordedOutcome[] = [];
    const ref = pending ? gate.lane(siteId, pending.gate, 'exit') : null;
    if (pending && ref && quote.dueFen <= 0) {
      const reason = at < pending.since ? 'EXIT_PAID_WINDOW' : 'EXIT_PAID';
      gate.closeSession(fresh, settleAt, pending.gate, reason, quote);
      const decision = paidExit({
        plate: fresh.plate,
        reason,
        credentialKind: fresh.credentialKind,
        userClass: UserClass.safeParse(fresh.userClass).data ?? null,
      });
      opens.push(
        gate.outcomes.record({ ref, at: settleAt, decision, read: null, sessionId: fresh.id, eventRef, stale: false }),
      );
    }
    return { kind: 'applied' as const, session: fresh, applied, dueFen: quote.dueFen, opens };
  });
  if (result.kind === 'duplicate') {
    gate.deps.metrics.inc('gateway_duplicate_events_total', { kind: 'payment' });
    // Redelivered after a crash between the commit and the barrier command: the paid car still waits at the exit.
    await gate.republish(siteId, eventRef);
    return { ok: true, applied: false, held: false, sessionId: input.sessionId ?? '', dueFen: 0 };
  }
  if (result.kind === 'known') {
    const { known } = result;
    gate.deps.metrics.inc('gateway_duplicate_events_total', { kind: 'payment' });
    return known.sessionId
      ? { ok: true, applied: false, held: false, sessionId: known.sessionId, dueFen: 0 }
      : { ok: true, applied: false, held: true, sessionId: null, dueFen: 0 };
  }
  if (result.kind === 'missing') {
    gate.deps.metrics.inc('gateway_rejected_total', { reason: 'payment-no-session' });
    return { ok: false, reason: `no session ${input.sessionId ?? ''} at site ${siteId} for this payment` };
  }
  if (result.kind === 'held') {
    gate.deps.metrics.inc('gateway_payments_held_total', { site: siteId });
    gate.deps.metrics.inc('gateway_revenue_fen_total', { site: siteId, method: input.method }, input.amountFen);
    gate.deps.bus.emit({
      type: 'payment',
      site: siteId,
      at,
      data: {
        paymentId: input.paymentId,
        sessionId: null,
        plate: result.held.plate,
        amountFen: input.amountFen,
        method: input.method,
        source: input.source,
        // Not known until the plate's exit read gives the money its session.
        userClass: 'unknown',
        vehicleClass: 'unknown',
      },
    });
    return { ok: true, applied: true, held: true, sessionId: null, dueFen: 0 };
  }
  // A retried online-payment callback (same payment id) after the same kind of crash.
  if (!result.applied && result.opens.length === 0) await gate.republish(siteId, eventRef);
  if (result.applied) {
    gate.deps.metrics.inc('gateway_revenue_fen_total', { site: siteId, method: input.method }, input.amountFen);
    gate.deps.bus.emit({
      type: 'payment',
      site: siteId,
      at,
      data: {
        paymentId: input.paymentId,
        sessionId: result.session.id,
        plate: result.session.plate,
        amountFen: input.amountFen,
        method: input.method,
        source: input.source,
        userClass: result.session.userClass,
        vehicleClass: result.session.vehicleClass,
      },
    });
    gate.deps.bus.emit({
      type: 'session',
      site: siteId,
      at,
      data: { sessionId: result.session.id, paidFen: result.session.paidFen },
    });
  }
  for (const open of result.opens) await gate.outcomes.announce(open);
  return { ok: true, applied: result.applied, held: false, sessionId: result.session.id, dueFen: result.dueFen };
}

/** Staff open a barrier by hand: identity and reason are required and audited. */
export async function manualOpen(
  gate: GateCore,
  input: ManualOpenInput,
): Promise<{ ok: true; commandId: string } | { ok: false; reason: string }> {
  const ref = gate.lane(input.site, input.gate, input.lane);
  if (!ref) return { ok: false, reason: `unknown lane ${input.gate}/${input.lane}` };
  const named = input.plate ? normalizePlate(input.plate).plate : null;
  const decided = manualOpenDecision({ plate: named ?? '', staff: input.actor, reason: input.reason });
  if (!decided.ok) return decided;
  const at = gate.deps.clock.now();
  const { ledger } = gate.deps;
  const eventRef = `manual/${gate.deps.newId()}`;
  const recorded = ledger.transaction(() => {
    let sessionId: string | null = null;
    let decision = decided.decision;
    // The car at the barrier: the one staff named, if it is held here, else the latest read held at the lane.
    const held = input.lane === 'exit' ? ledger.heldAtLane(input.site, input.gate, input.lane) : [];
    const pending = held.find((h) => named !== null && ledger.getSession(h.sessionId)?.plate === named) ?? held[0];
    if (pending) {
      const session = ledger.getSession(pending.sessionId);
      if (session?.status === 'open') {
        const quote = session.noEntryRecord
          ? { totalFen: session.feeFen ?? 0 }
          : gate.deps.fees.quoteSession(session, ledger.paymentsFor(session.id), at);
        ledger.markSession(session.id, { manualOpen: true });
        gate.closeSession({ ...session, manualOpen: true }, at, input.gate, 'MANUAL_OPEN', quote);
        sessionId = session.id;
        decision = {
          ...decision,
          credentialKind: session.credentialKind,
          userClass: UserClass.safeParse(session.userClass).data ?? null,
        };
      }
      ledger.releaseExit(input.site, pending.sessionId);
    }
    const outcome = gate.outcomes.record({
      ref,
      at,
      decision,
      read: null,
      sessionId,
      eventRef,
      stale: false,
      note: { actor: input.actor, manualReason: input.reason },
    });
    ledger.audit({
      at,
      actor: input.actor,
      action: 'manualOpen',
      site: input.site,
      target: `${input.gate}/${input.lane}`,
      reason: input.reason,
      detail: { commandId: outcome.commandId, plate: input.plate ?? null, sessionId },
    });
    return outcome;
  });
  await gate.outcomes.announce(recorded);
  gate.deps.metrics.inc('gateway_manual_opens_total', { site: input.site });
  gate.deps.bus.emit({
    type: 'audit',
    site: input.site,
    at,
    data: { actor: input.actor, action: 'manualOpen', target: `${input.gate}/${input.lane}`, reason: input.reason },
  });
  return { ok: true, commandId: recorded.commandId ?? '' };
}
