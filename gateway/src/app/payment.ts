import { settleTime } from '../domain/gate/gate-rules.ts';
import { paidExit } from '../domain/gate/index.ts';
import { normalizePlate } from '../domain/plate/index.ts';
import { UserClass } from '../domain/registry/credential-resolver.ts';
import type { PaymentPayload } from '../protocol/index.ts';
import type { EventBus } from './event-bus.ts';
import { claimDeviceEvent } from './event-claims.ts';
import type { FeeService } from './fee-service.ts';
import { HOLD_LAPSES_MS } from './gate-ports.ts';
import type { LaneOutcomes, RecordedOutcome } from './lane-outcome.ts';
import { closeStay, type Lanes } from './lanes.ts';
import type { Metrics } from './metrics.ts';
import type { LedgerPort } from './ports.ts';

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

export interface PaymentDeps {
  ledger: LedgerPort;
  fees: FeeService;
  lanes: Lanes;
  outcomes: LaneOutcomes;
  metrics: Metrics;
  bus: EventBus;
}

/**
 * Money from a pay terminal, an online callback or staff: kept once per payment id, given to its session (or held for
 * a plate with no session yet), and, when it covers the fee of a car held at an exit, the car is let out there
 * through the lane-outcome path.
 */
export class Payments {
  constructor(private readonly deps: PaymentDeps) {}

  async apply(request: {
    site: string;
    payment: PaymentInput;
    /** When the money was paid (the terminal's trusted time, or the gateway's for a callback or staff). */
    at: number;
    /** The terminal event it came in, for idempotency and redelivery. */
    claim?: { deviceId: string; eventId: string; digest: string } | undefined;
  }): Promise<PaymentResult> {
    const { site: siteId, payment: input, at, claim } = request;
    const { ledger, fees } = this.deps;
    const site = this.deps.lanes.site(siteId);
    if (!site) return { ok: false, reason: `unknown site ${siteId}` };
    let eventRef = claim ? `${claim.deviceId}/${claim.eventId}` : `payment/${input.paymentId}`;
    let paymentId = input.paymentId;
    const result = ledger.transaction(() => {
      if (claim) {
        const claimed = claimDeviceEvent(ledger, { ...claim, kind: 'payment', receivedAt: at });
        eventRef = `${claim.deviceId}/${claimed.eventId}`;
        // A terminal that reused an event id for another payment (its counter reset): new money, under ids of its own.
        if (claimed.eventId !== claim.eventId) paymentId = `${input.paymentId}#${claim.digest.slice(0, 16)}`;
        if (claimed.status === 'duplicate') return { kind: 'duplicate' as const };
        if (claimed.status === 'conflict') {
          this.deps.metrics.inc('gateway_event_id_conflicts_total', { site: siteId, device: claim.deviceId });
        }
      }
      // The same payment again (a retried callback): answer what was done with it, change nothing.
      const known = ledger.getPayment(paymentId);
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
            id: paymentId,
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
        id: paymentId,
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
        held && this.deps.lanes.lane(siteId, held.gate, 'exit') !== null && at - held.since <= HOLD_LAPSES_MS
          ? held
          : undefined;
      // A payment made before the car reached the barrier but delivered after its exit read (out of order) settles
      // the exit at the read's time, as if it had arrived first: the car paid, then drove up within the paid window.
      const settleAt = settleTime({ paymentAt: at, heldSince: pending?.since ?? null });
      const quote = fresh.noEntryRecord
        ? { totalFen: fresh.feeFen ?? 0, paidFen: fresh.paidFen, dueFen: (fresh.feeFen ?? 0) - fresh.paidFen }
        : fees.quoteSession(fresh, ledger.paymentsFor(fresh.id), settleAt);
      const opens: RecordedOutcome[] = [];
      const ref = pending ? this.deps.lanes.lane(siteId, pending.gate, 'exit') : null;
      if (pending && ref && quote.dueFen <= 0) {
        const reason = at < pending.since ? 'EXIT_PAID_WINDOW' : 'EXIT_PAID';
        closeStay(ledger, { session: fresh, at: settleAt, gate: pending.gate, reason, fee: quote });
        const decision = paidExit({
          plate: fresh.plate,
          reason,
          credentialKind: fresh.credentialKind,
          userClass: UserClass.safeParse(fresh.userClass).data ?? null,
        });
        opens.push(
          this.deps.outcomes.record({
            ref,
            at: settleAt,
            decision,
            read: null,
            sessionId: fresh.id,
            eventRef,
            stale: false,
          }),
        );
      }
      return { kind: 'applied' as const, session: fresh, applied, dueFen: quote.dueFen, opens };
    });
    if (result.kind === 'duplicate') {
      this.deps.metrics.inc('gateway_duplicate_events_total', { kind: 'payment' });
      // Redelivered after a crash between the commit and the barrier command: the paid car still waits at the exit.
      await this.deps.outcomes.republish(siteId, eventRef);
      return { ok: true, applied: false, held: false, sessionId: input.sessionId ?? '', dueFen: 0 };
    }
    if (result.kind === 'known') {
      const { known } = result;
      this.deps.metrics.inc('gateway_duplicate_events_total', { kind: 'payment' });
      return known.sessionId
        ? { ok: true, applied: false, held: false, sessionId: known.sessionId, dueFen: 0 }
        : { ok: true, applied: false, held: true, sessionId: null, dueFen: 0 };
    }
    if (result.kind === 'missing') {
      this.deps.metrics.inc('gateway_rejected_total', { reason: 'payment-no-session' });
      return { ok: false, reason: `no session ${input.sessionId ?? ''} at site ${siteId} for this payment` };
    }
    if (result.kind === 'held') {
      this.deps.metrics.inc('gateway_payments_held_total', { site: siteId });
      // Its classes are not known until the plate's exit read gives the money its session.
      const unknown = { id: null, plate: result.held.plate, userClass: 'unknown', vehicleClass: 'unknown' };
      this.taken(siteId, at, { ...input, paymentId }, unknown);
      return { ok: true, applied: true, held: true, sessionId: null, dueFen: 0 };
    }
    // A retried online-payment callback (same payment id) after the same kind of crash.
    if (!result.applied && result.opens.length === 0) await this.deps.outcomes.republish(siteId, eventRef);
    if (result.applied) {
      this.taken(siteId, at, { ...input, paymentId }, result.session);
      this.deps.bus.emit({
        type: 'session',
        site: siteId,
        at,
        data: { sessionId: result.session.id, paidFen: result.session.paidFen },
      });
    }
    for (const open of result.opens) await this.deps.outcomes.announce(open);
    return { ok: true, applied: result.applied, held: false, sessionId: result.session.id, dueFen: result.dueFen };
  }

  /** Money taken, once: counted, and a `payment` live event (a revenue point) with its stay's classes. */
  private taken(
    site: string,
    at: number,
    payment: PaymentInput,
    stay: { id: string | null; plate: string | null; userClass: string; vehicleClass: string },
  ): void {
    this.deps.metrics.inc('gateway_revenue_fen_total', { site, method: payment.method }, payment.amountFen);
    this.deps.bus.emit({
      type: 'payment',
      site,
      at,
      data: {
        paymentId: payment.paymentId,
        sessionId: stay.id,
        plate: stay.plate,
        amountFen: payment.amountFen,
        method: payment.method,
        source: payment.source,
        userClass: stay.userClass,
        vehicleClass: stay.vehicleClass,
      },
    });
  }
}
