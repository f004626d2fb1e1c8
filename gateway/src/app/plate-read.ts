import {
  classUntil,
  interpretRead,
  isRepeatRead,
  leftAt,
  sessionClass,
  vehicleFromPlate,
} from '../domain/gate/gate-rules.ts';
import { decideEntry, decideExit, type PlateRead } from '../domain/gate/index.ts';
import { judgeReadTime, type ReadTiming } from '../domain/gate/read-timing.ts';
import { normalizePlate } from '../domain/plate/index.ts';
import { type Credential, resolveCredential, UserClass } from '../domain/registry/index.ts';
import { openSession } from '../domain/session/session.ts';
import type { Site } from '../domain/site.ts';
import type { PlatePayload } from '../protocol/index.ts';
import { claimDeviceEvent, payloadDigest } from './event-claims.ts';
import type { FeeService } from './fee-service.ts';
import type { LaneRef, OccupancyPort, RegistryPort } from './gate-ports.ts';
import type { LaneOutcomes, RecordedOutcome } from './lane-outcome.ts';
import { closeStay, type Lanes } from './lanes.ts';
import { localClockTime } from './local-time.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { LedgerPort } from './ports.ts';

/** The ledger's fee of a no-entry exit the tariff cannot quote (referred to staff). */
const NO_FEE = { totalFen: 0, paidFen: 0, dueFen: 0, paidExitUntil: null, items: [], tariffIds: [] };

/** A payment kept for a plate with no session is taken up by that plate's exit read within this time. */
const UNAPPLIED_PAYMENT_MS = 30 * 60_000;

export interface PlateReadDeps {
  ledger: LedgerPort;
  registry: RegistryPort;
  fees: FeeService;
  occupancy: OccupancyPort;
  lanes: Lanes;
  outcomes: LaneOutcomes;
  metrics: Metrics;
  log: Logger;
  clock: { now(): number };
  newId(): string;
  /** Takes a device message as evidence of its clock; returns the device's clock estimate (ms ahead, this one in). */
  observeClock(site: string, device: string, deviceTs: number, receivedAt: number): number;
}

/** A camera read at a lane: decided in one ledger transaction, then announced through the lane-outcome path. */
export class PlateReads {
  constructor(private readonly deps: PlateReadDeps) {}

  async onPlate(read: { site: string; gate: string; payload: PlatePayload; receivedAt: number }): Promise<void> {
    const { site: siteId, gate: gateId, payload, receivedAt } = read;
    const { ledger, metrics } = this.deps;
    const ref = this.deps.lanes.lane(siteId, gateId, payload.lane);
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
    const clockOffsetMs = this.deps.observeClock(siteId, payload.deviceId, payload.ts, receivedAt);
    const timing = judgeReadTime({ ts: payload.ts, receivedAt, clockOffsetMs });
    const { at } = timing;
    const stale = !timing.fresh;
    const digest = payloadDigest(payload);
    let eventRef = `${payload.deviceId}/${payload.eventId}`;

    // The decision commits to the WAL without waiting for the disk (it survives a crash at once); the fsync that makes
    // it survive a power cut too comes right after the barrier command, off the driver's wait.
    const outcome = ledger.unsynced(() =>
      ledger.transaction((): RecordedOutcome | null => {
        const { deviceId, eventId } = payload;
        const claim = claimDeviceEvent(ledger, { deviceId, eventId, kind: 'plate', receivedAt, digest });
        // The ref of what is (or was) decided for this payload: the camera's id, or the own id a reused one got.
        eventRef = `${deviceId}/${claim.eventId}`;
        if (claim.status === 'duplicate') return null;
        if (claim.status === 'conflict') {
          // Not a redelivery: another car under an id the camera used before (its counter reset). Never the old
          // outcome; this read is decided on its own.
          const previous = ledger.decisionByEvent(siteId, `${deviceId}/${eventId}`);
          metrics.inc('gateway_event_id_conflicts_total', { site: siteId, device: payload.deviceId });
          this.deps.log.warn(
            {
              device: payload.deviceId,
              eventId: payload.eventId,
              previousPlate: previous?.plate,
              plate: payload.plate,
            },
            'event id reused with another payload: decided as a new read',
          );
          this.deps.outcomes.raise({
            ref,
            at,
            kind: 'eventIdConflict',
            plate: null,
            readPlate: payload.plate,
            sessionId: null,
            detail: {
              eventId: payload.eventId,
              previousPlate: previous?.plate ?? null,
              previousAt: previous?.at ?? null,
            },
          });
        }
        const recorded =
          payload.lane === 'entry'
            ? this.entry(ref, payload, at, eventRef, stale)
            : this.exit(ref, payload, at, eventRef, stale);
        if (!timing.fresh) this.late(ref, payload, timing, recorded);
        return recorded;
      }),
    );
    if (!outcome) {
      metrics.inc('gateway_duplicate_events_total', { kind: 'plate' });
      await this.deps.outcomes.republish(siteId, eventRef);
      return;
    }
    await this.deps.outcomes.announce(outcome);
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
   * A read that is not demonstrably fresh opened nothing: staff see it (the car may still stand at the barrier if the
   * delay was the link's), and it is counted by why: `late` (clock good, read too old) or `clock` (clock untrusted).
   */
  private late(
    ref: LaneRef,
    payload: PlatePayload,
    timing: Exclude<ReadTiming, { fresh: true }>,
    outcome: RecordedOutcome,
  ) {
    const site = ref.site.id;
    this.deps.metrics.inc('gateway_late_reads_total', { site, why: timing.why });
    if (timing.why === 'clock') this.deps.metrics.inc('gateway_clock_skew_total', { site });
    const detail =
      timing.why === 'late'
        ? { device: payload.deviceId, deviceTs: payload.ts, delayMs: timing.delayMs }
        : {
            device: payload.deviceId,
            deviceTs: payload.ts,
            apparentDelayMs: timing.apparentDelayMs,
            clockOffsetMs: timing.clockOffsetMs,
          };
    this.deps.log.warn(
      { site, lane: ref.lane.lane, plate: payload.plate, why: timing.why, ...detail },
      'read not fresh: opened nothing',
    );
    this.deps.outcomes.raise({
      ref,
      at: timing.at,
      kind: timing.why === 'late' ? 'lateRead' : 'clockSkew',
      plate: outcome.decision.plate || null,
      readPlate: payload.plate || null,
      sessionId: outcome.sessionId,
      detail,
    });
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
    // The car admitted here moments ago, read again: the same admission, not a second entry (nor anti-passback).
    const admitted = plate && !stale ? ledger.findOpenSession(site.id, plate) : null;
    if (admitted?.entryAt != null && admitted.entryGate === ref.gate) {
      const repeat = this.repeatOf(ref, read, at, eventRef, admitted.id, admitted.entryAt);
      if (repeat) return repeat;
    }
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
        this.deps.outcomes.raise({
          ref,
          at,
          kind: 'passback',
          plate,
          readPlate: read.plate,
          sessionId: open.id,
          detail: { reason: 'a new entry closed the open session' },
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
          // A pass that ends while the car is inside: the fee changes class there (#26.3).
          classUntil: classUntil(credential),
        }),
      );
    }
    return this.deps.outcomes.record({ ref, at, decision, read, sessionId, eventRef, stale });
  }

  private exit(ref: LaneRef, payload: PlatePayload, at: number, eventRef: string, stale: boolean): RecordedOutcome {
    const { ledger, fees } = this.deps;
    const site = ref.site;
    // The car let out here moments ago, read again (still under the camera): the same departure, no new stay, no fee.
    // Checked on the plate as read, before any fuzzy match could pair it with a similar plate still inside.
    const exact = normalizePlate(payload.plate).plate;
    if (exact && !stale && !ledger.findOpenSession(site.id, exact)) {
      const left = ledger.lastClosedSession(site.id, exact);
      if (left?.exitAt != null && left.exitGate === ref.gate && left.closeReason !== 'PASSBACK_STALE') {
        const asRead: PlateRead = {
          plate: exact,
          format: 'unknown',
          confidence: payload.confidence,
          match: { kind: 'exact', plate: exact },
        };
        const repeat = this.repeatOf(ref, asRead, at, eventRef, left.id, left.exitAt);
        if (repeat) return repeat;
      }
    }
    const read = this.read(site, payload, () => ledger.openPlates(site.id), true);
    const plate = read.match.kind === 'exact' || read.match.kind === 'fuzzy' ? read.match.plate : null;
    const session = plate ? ledger.findOpenSession(site.id, plate) : null;
    const fee =
      session && session.entryAt !== null ? fees.quoteSession(session, ledger.paymentsFor(session.id), at) : null;
    const cls = plate ? this.vehicleOf(site.id, plate) : { vehicleClass: 'small' as const, energy: 'fuel' as const };
    // No session: quoted as the class its credential gives now (a pass holder whose entry was missed is one, #26.4).
    const noEntryClass = !session && plate ? sessionClass(this.credentialFor(site, plate, at)) : null;
    const noEntry = fees.noEntryFee(site.id, at, { ...cls, userClass: noEntryClass?.userClass ?? 'visitor' });
    const noEntryFee = noEntry ?? NO_FEE;
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
              userClass: UserClass.safeParse(session.userClass).data ?? 'visitor',
            }
          : null,
      fee: fee
        ? { totalFen: fee.totalFen, paidFen: fee.paidFen, dueFen: fee.dueFen, paidExitUntil: fee.paidExitUntil }
        : null,
      noEntryFeeFen: noEntry?.totalFen ?? null,
      noEntryPaidFen: session?.noEntryRecord ? session.paidFen : kept.reduce((sum, p) => sum + p.amountFen, 0),
      policies: site.policies,
    });
    let sessionId = session?.id ?? null;
    if (!session && plate && decision.flags.includes('noEntryRecord')) {
      // The exit with no entry record becomes a session of its own, so its fee and payments have a home.
      sessionId = this.deps.newId();
      ledger.insertSession(
        openSession({
          id: sessionId,
          site: site.id,
          plate,
          readPlate: read.plate,
          exitGate: ref.gate,
          ...(noEntryClass ?? sessionClass(null)),
          vehicleClass: cls.vehicleClass,
          energy: cls.energy,
          noEntryRecord: true,
          feeFen: noEntryFee.totalFen,
          breakdown: noEntryFee,
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
        closeStay(ledger, {
          session: current,
          at: left,
          gate: ref.gate,
          reason: decision.reason,
          fee: settled ?? noEntryFee,
        });
      } else if (decision.action === 'hold') {
        ledger.holdExit(site.id, ref.gate, 'exit', sessionId, at);
      }
    }
    return this.deps.outcomes.record({ ref, at, decision, read, sessionId, eventRef, stale });
  }

  /** The outcome that let this stay pass this lane, repeated, when the read is the same passage seen again. */
  private repeatOf(
    ref: LaneRef,
    read: PlateRead,
    at: number,
    eventRef: string,
    sessionId: string,
    passedAt: number,
  ): RecordedOutcome | null {
    const windowMs = ref.site.policies.repeatReadSeconds * 1000;
    if (!isRepeatRead({ at, passedAt, windowMs, sameLane: true })) return null;
    const original = this.deps.ledger
      .decisionsFor(sessionId)
      .filter((d) => d.gate === ref.gate && d.lane === ref.lane.lane && d.action === 'open')
      .at(-1);
    if (!original) return null;
    return this.deps.outcomes.recordRepeat({ ref, at, original, read, eventRef });
  }

  private vehicleOf(
    site: string,
    plate: string,
    plateColour?: string,
  ): { vehicleClass: 'small' | 'large' | 'motorcycle'; energy: 'fuel' | 'electric' } {
    return vehicleFromPlate(plate, this.deps.registry.entriesFor(site, plate).vehicle ?? null, plateColour);
  }
}
