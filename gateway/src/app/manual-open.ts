import type { Clock } from '../domain/clock.ts';
import { manualOpen as manualOpenDecision } from '../domain/gate/index.ts';
import { normalizePlate } from '../domain/plate/index.ts';
import { UserClass } from '../domain/registry/credential-resolver.ts';
import type { EventBus } from './event-bus.ts';
import type { FeeService } from './fee-service.ts';
import type { LaneOutcomes } from './lane-outcome.ts';
import { closeStay, type Lanes } from './lanes.ts';
import type { Metrics } from './metrics.ts';
import type { LedgerPort } from './ports.ts';

export interface ManualOpenInput {
  site: string;
  gate: string;
  lane: 'entry' | 'exit';
  actor: string;
  reason: string;
  plate?: string | undefined;
}

export interface ManualOpenDeps {
  ledger: LedgerPort;
  fees: FeeService;
  lanes: Lanes;
  outcomes: LaneOutcomes;
  clock: Clock;
  metrics: Metrics;
  bus: EventBus;
  newId(): string;
}

/**
 * Staff open a barrier by hand: identity and reason are required and audited. At an exit, the car held there (the
 * one named, else the latest read) leaves, its stay closed at the fee it had.
 */
export class ManualOpens {
  constructor(private readonly deps: ManualOpenDeps) {}

  async open(input: ManualOpenInput): Promise<{ ok: true; commandId: string } | { ok: false; reason: string }> {
    const ref = this.deps.lanes.lane(input.site, input.gate, input.lane);
    if (!ref) return { ok: false, reason: `unknown lane ${input.gate}/${input.lane}` };
    const named = input.plate ? normalizePlate(input.plate).plate : null;
    const decided = manualOpenDecision({ plate: named ?? '', staff: input.actor, reason: input.reason });
    if (!decided.ok) return decided;
    const at = this.deps.clock.now();
    const { ledger } = this.deps;
    const eventRef = `manual/${this.deps.newId()}`;
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
            : this.deps.fees.quoteSession(session, ledger.paymentsFor(session.id), at);
          ledger.markSession(session.id, { manualOpen: true });
          closeStay(ledger, {
            session: { ...session, manualOpen: true },
            at,
            gate: input.gate,
            reason: 'MANUAL_OPEN',
            fee: quote,
          });
          sessionId = session.id;
          decision = {
            ...decision,
            credentialKind: session.credentialKind,
            userClass: UserClass.safeParse(session.userClass).data ?? null,
          };
        }
        ledger.releaseExit(input.site, pending.sessionId);
      }
      const outcome = this.deps.outcomes.record({
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
    await this.deps.outcomes.announce(recorded);
    this.deps.metrics.inc('gateway_manual_opens_total', { site: input.site });
    this.deps.bus.emit({
      type: 'audit',
      site: input.site,
      at,
      data: { actor: input.actor, action: 'manualOpen', target: `${input.gate}/${input.lane}`, reason: input.reason },
    });
    return { ok: true, commandId: recorded.commandId ?? '' };
  }
}
