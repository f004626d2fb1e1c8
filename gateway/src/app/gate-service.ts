import { z } from 'zod';
import {
  eventTime,
  interpretRead,
  isStaleRead,
  leftAt,
  sessionClass,
  vehicleFromPlate,
} from '../domain/gate/gate-rules.ts';
import { decideEntry, decideExit, overstays, type PlateRead } from '../domain/gate/index.ts';
import { Display } from '../domain/gate/reason-catalogue.ts';
import { type Credential, resolveCredential } from '../domain/registry/index.ts';
import { openSession, type Session } from '../domain/session/session.ts';
import type { Site } from '../domain/site.ts';
import type { PlatePayload } from '../protocol/index.ts';
import { applyPayment, type ManualOpenInput, manualOpen, type PaymentInput, type PaymentResult } from './gate-money.ts';
import type { GateDeps, LaneRef } from './gate-ports.ts';
import { LaneOutcomes, type RecordedOutcome } from './lane-outcome.ts';
import { localClockTime } from './local-time.ts';

export type { GateDeps, LaneRef, OccupancyPort, RegistryPort } from './gate-ports.ts';
export { MAX_CLOCK_SKEW_MS, STALE_READ_MS } from './gate-ports.ts';

/** A payment kept for a plate with no session is taken up by that plate's exit read within this time. */
const UNAPPLIED_PAYMENT_MS = 30 * 60_000;

/** The display a decision was recorded with, and its barrier command id (null when nothing opened). */
const RecordedDisplay = Display.extend({ commandId: z.string().nullable().default(null) });

/** Decides at every lane: plate reads, payments, manual opens; writes the ledger, then commands devices. */
export class GateService {
  private readonly sites: Map<string, Site>;
  /** Every lane outcome (plate read, paid exit, manual open) is recorded and announced through this one path. */
  readonly outcomes: LaneOutcomes;

  constructor(readonly deps: GateDeps) {
    this.sites = new Map(deps.config.sites.map((s) => [s.id, s]));
    this.outcomes = new LaneOutcomes(deps);
  }

  site(id: string): Site | undefined {
    return this.sites.get(id);
  }

  lane(siteId: string, gateId: string, lane: 'entry' | 'exit'): LaneRef | null {
    const site = this.sites.get(siteId);
    const gate = site?.gates.find((g) => g.id === gateId);
    const found = gate?.lanes.find((l) => l.lane === lane);
    return site && found ? { site, gate: gateId, lane: found } : null;
  }

  /** The instant an event happened: the device's time when its clock is sane, else the time we received it. */
  eventTime(ts: number, receivedAt: number, site: string): number {
    const { at, skewed } = eventTime(ts, receivedAt);
    if (skewed) this.deps.metrics.inc('gateway_clock_skew_total', { site });
    return at;
  }

  async onPlate(siteId: string, gateId: string, payload: PlatePayload, receivedAt: number): Promise<void> {
    const { ledger, metrics } = this.deps;
    const ref = this.lane(siteId, gateId, payload.lane);
    if (!ref) {
      metrics.inc('gateway_rejected_total', { reason: 'unknown-lane' });
      this.deps.log.warn({ site: siteId, gate: gateId, lane: payload.lane }, 'plate read for a lane not in the config');
      return;
    }
    if (ref.lane.camera !== payload.deviceId) {
      metrics.inc('gateway_rejected_total', { reason: 'wrong-camera' });
      this.deps.log.warn(
        { device: payload.deviceId, expected: ref.lane.camera },
        'plate read from a camera not on this lane',
      );
      return;
    }
    const eventRef = `${payload.deviceId}/${payload.eventId}`;
    const at = this.eventTime(payload.ts, receivedAt, siteId);
    const stale = isStaleRead(at, receivedAt);

    // The decision commits to the WAL without waiting for the disk (it survives a crash at once); the fsync that makes
    // it survive a power cut too comes right after the barrier command, off the driver's wait.
    const outcome = ledger.unsynced(() =>
      ledger.transaction((): RecordedOutcome | null => {
        if (!ledger.claimEvent(payload.deviceId, payload.eventId, 'plate', receivedAt)) return null;
        return payload.lane === 'entry'
          ? this.entry(ref, payload, at, eventRef, stale)
          : this.exit(ref, payload, at, eventRef, stale);
      }),
    );
    if (!outcome) {
      metrics.inc('gateway_duplicate_events_total', { kind: 'plate' });
      await this.republish(siteId, eventRef);
      return;
    }
    await this.outcomes.announce(outcome);
    // After this turn's writes have gone to the sockets (the MQTT link flushes on the next tick).
    setImmediate(() => {
      try {
        ledger.syncNow(receivedAt);
      } catch (err) {
        this.deps.metrics.inc('gateway_ledger_errors_total', { op: 'sync' });
        this.deps.log.error({ err: (err as Error).message }, 'ledger sync failed');
      }
    });
    metrics.observe('gateway_decision_latency_ms', this.deps.clock.now() - receivedAt);
  }

  /**
   * Entry: a low-confidence read is matched fuzzily against the registry. Exit: the open session is found exactly,
   * then fuzzily, whatever the confidence (DESIGN §4 "Gate decisions").
   */
  private read(site: Site, payload: PlatePayload, candidates: () => Iterable<string>, alwaysFuzzy: boolean): PlateRead {
    return interpretRead({
      plate: payload.plate,
      confidence: payload.confidence,
      fuzzyBelow: site.policies.fuzzyBelowConfidence,
      alwaysFuzzy,
      candidates,
    });
  }

  private credentialFor(site: Site, plate: string, at: number): Credential {
    return resolveCredential(
      plate,
      at,
      localClockTime(at, site.timeZone),
      this.deps.registry.entriesFor(site.id, plate),
    );
  }

  private entry(ref: LaneRef, payload: PlatePayload, at: number, eventRef: string, stale: boolean): RecordedOutcome {
    const { ledger } = this.deps;
    const site = ref.site;
    const read = this.read(site, payload, () => this.deps.registry.plates(site.id), false);
    const plate = read.match.kind === 'exact' || read.match.kind === 'fuzzy' ? read.match.plate : null;
    const credential = plate ? this.credentialFor(site, plate, at) : null;
    const open = plate ? ledger.findOpenSession(site.id, plate) : null;
    const decision = decideEntry({
      at,
      localTime: localClockTime(at, site.timeZone),
      gate: ref.gate,
      zones: ref.lane.zones,
      read,
      credential,
      insideAlready: open !== null,
      freeSpaces: this.deps.occupancy.free(site.id),
      policies: site.policies,
    });
    let sessionId: string | null = null;
    if (decision.action === 'open' && !stale && plate) {
      if (open && decision.flags.includes('staleSessionClosed')) {
        ledger.closeSession(open.id, {
          exitAt: at,
          exitGate: null,
          feeFen: 0,
          breakdown: null,
          closeReason: 'PASSBACK_STALE',
        });
        this.outcomes.raise(ref, at, 'passback', plate, read.plate, open.id, {
          reason: 'a new entry closed the open session',
        });
      }
      sessionId = this.deps.newId();
      const cls = this.vehicleOf(site.id, plate, payload.colour);
      ledger.insertSession(
        openSession({
          id: sessionId,
          site: site.id,
          plate,
          readPlate: read.plate,
          entryAt: at,
          entryGate: ref.gate,
          ...sessionClass(credential),
          vehicleClass: cls.vehicleClass,
          energy: cls.energy,
          fuzzy: decision.fuzzy !== null,
          visitorUntil: credential?.kind === 'visitor' ? credential.validUntil : null,
        }),
      );
    }
    return this.outcomes.record({ ref, at, decision, read, sessionId, eventRef, stale });
  }

  private exit(ref: LaneRef, payload: PlatePayload, at: number, eventRef: string, stale: boolean): RecordedOutcome {
    const { ledger, fees } = this.deps;
    const site = ref.site;
    const read = this.read(site, payload, () => ledger.openPlates(site.id), true);
    const plate = read.match.kind === 'exact' || read.match.kind === 'fuzzy' ? read.match.plate : null;
    const session = plate ? ledger.findOpenSession(site.id, plate) : null;
    const fee =
      session && session.entryAt !== null ? fees.quoteSession(session, ledger.paymentsFor(session.id), at) : null;
    const cls = plate ? this.vehicleOf(site.id, plate) : { vehicleClass: 'small' as const, energy: 'fuel' as const };
    const noEntry = fees.noEntryFee(site.id, at, cls.vehicleClass);
    const kept = !session && plate ? ledger.unappliedPayments(site.id, plate, at - UNAPPLIED_PAYMENT_MS) : [];
    const decision = decideExit({
      at,
      gate: ref.gate,
      read,
      session:
        session && session.entryAt !== null
          ? {
              id: session.id,
              plate: session.plate,
              entryAt: session.entryAt,
              credentialKind: session.credentialKind,
              userClass: session.userClass as 'visitor',
            }
          : null,
      fee: fee
        ? { totalFen: fee.totalFen, paidFen: fee.paidFen, dueFen: fee.dueFen, paidExitUntil: fee.paidExitUntil }
        : null,
      noEntryFeeFen: noEntry.totalFen,
      noEntryPaidFen: session?.noEntryRecord ? session.paidFen : kept.reduce((sum, p) => sum + p.amountFen, 0),
      policies: site.policies,
    });
    let sessionId = session?.id ?? null;
    if (!session && plate && decision.flags.includes('noEntryRecord')) {
      // The exit with no entry record becomes a session of its own, so its fee and payments have a home.
      sessionId = this.deps.newId();
      const credential = this.credentialFor(site, plate, at);
      ledger.insertSession(
        openSession({
          id: sessionId,
          site: site.id,
          plate,
          readPlate: read.plate,
          exitGate: ref.gate,
          ...sessionClass(credential),
          vehicleClass: cls.vehicleClass,
          energy: cls.energy,
          noEntryRecord: true,
          feeFen: noEntry.totalFen,
          breakdown: noEntry,
        }),
      );
      for (const payment of kept) ledger.attachPayment(payment.id, sessionId);
    }
    if (sessionId && !stale) {
      if (decision.action === 'open') {
        const current = ledger.getSession(sessionId)!;
        // A payment made after the read but delivered before it (out of order): the car left once it had paid, so
        // the stay ends then, as it would had the payment arrived second and opened the held exit.
        const payments = ledger.paymentsFor(sessionId);
        const left = leftAt(
          at,
          payments.map((p) => p.at),
        );
        const settled = left > at && current.entryAt !== null ? fees.quoteSession(current, payments, left) : fee;
        this.closeSession(current, left, ref.gate, decision.reason, settled ?? noEntry);
      } else if (decision.action === 'hold') {
        ledger.holdExit(site.id, ref.gate, 'exit', sessionId, at);
      }
    }
    return this.outcomes.record({ ref, at, decision, read, sessionId, eventRef, stale });
  }

  closeSession(
    session: Session,
    at: number,
    gate: string | null,
    reason: string,
    fee: { totalFen: number; items?: unknown },
  ): void {
    this.deps.ledger.closeSession(session.id, {
      exitAt: at,
      exitGate: gate,
      feeFen: session.noEntryRecord ? (session.feeFen ?? fee.totalFen) : fee.totalFen,
      breakdown: session.noEntryRecord ? session.breakdown : fee,
      closeReason: reason,
    });
  }

  private vehicleOf(
    site: string,
    plate: string,
    plateColour?: string,
  ): { vehicleClass: 'small' | 'large' | 'motorcycle'; energy: 'fuel' | 'electric' } {
    return vehicleFromPlate(plate, this.deps.registry.entriesFor(site, plate).vehicle ?? null, plateColour);
  }

  /** A redelivered event: send the same commands again (same command id), so a crash never strands a car. */
  async republish(siteId: string, eventRef: string): Promise<void> {
    const row = this.deps.ledger.decisionByEvent(siteId, eventRef);
    if (!row || (row.lane !== 'entry' && row.lane !== 'exit')) return;
    const ref = this.lane(siteId, row.gate, row.lane);
    if (!ref) return;
    const display = RecordedDisplay.parse(row.display);
    await this.outcomes.republish(ref, {
      commandId: display.commandId,
      reason: row.reason,
      sessionId: row.sessionId,
      plate: row.plate,
      at: row.at,
      display,
    });
  }

  /** Flags each visitor still inside past their window (once per session), for staff. */
  flagOverstays(at: number): number {
    let raised = 0;
    for (const site of this.sites.values()) {
      const inside = this.deps.ledger
        .openSessions(site.id)
        .filter((s) => s.credentialKind === 'visitor' && s.entryAt !== null)
        .map((s) => ({
          id: s.id,
          plate: s.plate,
          entryAt: s.entryAt!,
          credentialKind: s.credentialKind,
          visitorUntil: s.visitorUntil,
        }));
      if (inside.length === 0) continue;
      const flagged = new Set(
        this.deps.ledger
          .listExceptions(site.id, undefined, 10_000)
          .filter((e) => e.kind === 'visitorOverstay')
          .map((e) => e.sessionId),
      );
      for (const over of overstays(inside, at, site.policies)) {
        if (flagged.has(over.sessionId)) continue;
        const gate = site.gates[0]!;
        this.outcomes.raise(
          { site, gate: gate.id, lane: gate.lanes[0]! },
          at,
          'visitorOverstay',
          over.plate,
          over.plate,
          over.sessionId,
          {
            deadline: over.deadline,
            overMs: over.overMs,
          },
        );
        raised++;
      }
    }
    return raised;
  }

  /** A payment from a pay terminal (MQTT) or an online callback; opens a lane that waits for it. */
  onPayment(
    siteId: string,
    input: PaymentInput,
    at: number,
    claim?: { deviceId: string; eventId: string },
  ): Promise<PaymentResult> {
    return applyPayment(this, siteId, input, at, claim);
  }

  /** Staff open a barrier by hand: identity and reason are required and audited. */
  manualOpen(input: ManualOpenInput): ReturnType<typeof manualOpen> {
    return manualOpen(this, input);
  }
}
