import type { Publisher } from '../adapters/mqtt/mqtt-link.ts';
import type { Ledger } from '../adapters/sqlite/ledger.ts';
import type { Config } from '../config/config.ts';
import type { Clock } from '../domain/clock.ts';
import { decideEntry, decideExit, type GateDecision, type PlateRead } from '../domain/gate/index.ts';
import { matchPlate, normalizePlate, type PlateMatch } from '../domain/plate/index.ts';
import { type Credential, resolveCredential } from '../domain/registry/index.ts';
import type { Session } from '../domain/session/session.ts';
import type { Lane, Site } from '../domain/site.ts';
import type { BarrierCommandPayload, DisplayPayload, PaymentPayload, PlatePayload, Topics } from '../protocol/index.ts';
import type { EventBus } from './event-bus.ts';
import type { FeeService } from './fee-service.ts';
import { localClockTime } from './local-time.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** What the gate needs from the registry (SQLite store in production). */
export interface RegistryPort {
  entriesFor(site: string, plate: string): Parameters<typeof resolveCredential>[3];
  plates(site: string): Iterable<string>;
}

/** What the gate needs from occupancy: the one free-space figure, and the passages it causes. */
export interface OccupancyPort {
  free(site: string): number;
  passage(site: string, gate: string, lane: 'entry' | 'exit', at: number): void;
}

export interface GateDeps {
  config: Config;
  ledger: Ledger;
  registry: RegistryPort;
  fees: FeeService;
  occupancy: OccupancyPort;
  publisher: Publisher;
  topics: Topics;
  clock: Clock;
  metrics: Metrics;
  bus: EventBus;
  log: Logger;
  newId(): string;
}

/** Device timestamps further than this from the gateway clock are not trusted (documented rule, README). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** A plate read older than this on arrival is recorded but no longer opens a barrier: the car has gone. */
export const STALE_READ_MS = 2 * 60_000;

export interface LaneRef {
  site: Site;
  gate: string;
  lane: Lane;
}

type Outcome = { decision: GateDecision; sessionId: string | null; commandId: string | null };

/** Decides at every lane: plate reads, payments, manual opens; writes the ledger, then commands devices. */
export class GateService {
  private readonly sites: Map<string, Site>;

  constructor(private readonly deps: GateDeps) {
    this.sites = new Map(deps.config.sites.map((s) => [s.id, s]));
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
    if (Math.abs(ts - receivedAt) <= MAX_CLOCK_SKEW_MS) return ts;
    this.deps.metrics.inc('gateway_clock_skew_total', { site });
    return receivedAt;
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
    const stale = receivedAt - at > STALE_READ_MS;

    const outcome = ledger.transaction((): Outcome | null => {
      if (!ledger.claimEvent(payload.deviceId, payload.eventId, 'plate', receivedAt)) return null;
      return payload.lane === 'entry'
        ? this.entry(ref, payload, at, eventRef, stale)
        : this.exit(ref, payload, at, eventRef, stale);
    });
    if (!outcome) {
      metrics.inc('gateway_duplicate_events_total', { kind: 'plate' });
      await this.republish(siteId, eventRef);
      return;
    }
    await this.announce(ref, outcome, at);
    metrics.observe('gateway_decision_latency_ms', this.deps.clock.now() - receivedAt);
  }

  private read(site: Site, payload: PlatePayload, candidates: () => Iterable<string>): PlateRead {
    const n = normalizePlate(payload.plate);
    let match: PlateMatch;
    if (n.format === 'none') match = { kind: 'none' };
    else if (payload.confidence >= site.policies.fuzzyBelowConfidence) match = { kind: 'exact', plate: n.plate };
    else match = matchPlate(n.plate, candidates());
    // A low-confidence read that matches nothing is still the best plate we have.
    if (match.kind === 'none' && n.format !== 'none') match = { kind: 'exact', plate: n.plate };
    return { plate: n.plate, format: n.format, confidence: payload.confidence, match };
  }

  private credentialFor(site: Site, plate: string, at: number): Credential {
    return resolveCredential(
      plate,
      at,
      localClockTime(at, site.timeZone),
      this.deps.registry.entriesFor(site.id, plate),
    );
  }

  private entry(ref: LaneRef, payload: PlatePayload, at: number, eventRef: string, stale: boolean): Outcome {
    const { ledger } = this.deps;
    const site = ref.site;
    const read = this.read(site, payload, () => this.deps.registry.plates(site.id));
    const plate = read.match.kind === 'exact' || read.match.kind === 'fuzzy' ? read.match.plate : null;
    const credential = plate ? this.credentialFor(site, plate, at) : null;
    const open = plate ? ledger.findOpenSession(site.id, plate) : null;
    const decision = decideEntry({
      at,
      localTime: localClockTime(at, site.timeZone),
      gate: ref.gate,
      zones: [],
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
        this.raise(ref, at, 'passback', plate, read.plate, open.id, { reason: 'a new entry closed the open session' });
      }
      sessionId = this.deps.newId();
      const cls = this.vehicleOf(site.id, plate);
      ledger.insertSession({
        id: sessionId,
        site: site.id,
        plate,
        readPlate: read.plate,
        status: 'open',
        entryAt: at,
        exitAt: null,
        entryGate: ref.gate,
        exitGate: null,
        credentialKind: credential?.kind === 'blacklisted' || !credential ? 'temporary' : credential.kind,
        userClass: credential?.userClass ?? 'visitor',
        vehicleClass: cls.vehicleClass,
        energy: payload.colour === 'green' ? 'electric' : cls.energy,
        fuzzy: decision.fuzzy !== null,
        noEntryRecord: false,
        manualOpen: false,
        visitorUntil: credential?.kind === 'visitor' ? credential.validUntil : null,
        feeFen: null,
        paidFen: 0,
        breakdown: null,
        closeReason: null,
      });
    }
    return this.record(ref, decision, read, at, eventRef, sessionId, stale);
  }

  private exit(ref: LaneRef, payload: PlatePayload, at: number, eventRef: string, stale: boolean): Outcome {
    const { ledger, fees } = this.deps;
    const site = ref.site;
    const read = this.read(site, payload, () => ledger.openPlates(site.id));
    const plate = read.match.kind === 'exact' || read.match.kind === 'fuzzy' ? read.match.plate : null;
    const session = plate ? ledger.findOpenSession(site.id, plate) : null;
    const fee =
      session && session.entryAt !== null ? fees.quoteSession(session, ledger.paymentsFor(session.id), at) : null;
    const cls = plate ? this.vehicleOf(site.id, plate) : { vehicleClass: 'small' as const, energy: 'fuel' as const };
    const noEntry = fees.noEntryFee(site.id, at, cls.vehicleClass);
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
      noEntryPaidFen: session?.noEntryRecord ? session.paidFen : 0,
      policies: site.policies,
    });
    let sessionId = session?.id ?? null;
    if (!session && plate && decision.flags.includes('noEntryRecord')) {
      // The exit with no entry record becomes a session of its own, so its fee and payments have a home.
      sessionId = this.deps.newId();
      const credential = this.credentialFor(site, plate, at);
      ledger.insertSession({
        id: sessionId,
        site: site.id,
        plate,
        readPlate: read.plate,
        status: 'open',
        entryAt: null,
        exitAt: null,
        entryGate: null,
        exitGate: ref.gate,
        credentialKind: credential.kind === 'blacklisted' ? 'temporary' : credential.kind,
        userClass: credential.userClass,
        vehicleClass: cls.vehicleClass,
        energy: cls.energy,
        fuzzy: false,
        noEntryRecord: true,
        manualOpen: false,
        visitorUntil: null,
        feeFen: noEntry.totalFen,
        paidFen: 0,
        breakdown: noEntry,
        closeReason: null,
      });
    }
    if (sessionId && !stale) {
      if (decision.action === 'open') {
        const current = ledger.getSession(sessionId)!;
        this.close(current, at, ref.gate, decision.reason, fee ?? noEntry);
        ledger.clearPendingExit(site.id, ref.gate, 'exit');
      } else if (decision.action === 'hold') {
        ledger.setPendingExit(site.id, ref.gate, 'exit', sessionId, at);
      }
    }
    return this.record(ref, decision, read, at, eventRef, sessionId, stale);
  }

  private close(
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
  ): { vehicleClass: 'small' | 'large' | 'motorcycle'; energy: 'fuel' | 'electric' } {
    const vehicle = this.deps.registry.entriesFor(site, plate).vehicle;
    return {
      vehicleClass: vehicle?.vehicleClass ?? 'small',
      energy: vehicle?.energy ?? (plate.length === 8 ? 'electric' : 'fuel'),
    };
  }

  private raise(
    ref: LaneRef,
    at: number,
    kind: Parameters<Ledger['raiseException']>[0]['kind'],
    plate: string | null,
    readPlate: string | null,
    sessionId: string | null,
    detail: unknown,
  ): number {
    const id = this.deps.ledger.raiseException({
      site: ref.site.id,
      at,
      kind,
      gate: ref.gate,
      lane: ref.lane.lane,
      plate,
      readPlate,
      sessionId,
      detail,
    });
    this.deps.bus.emit({
      type: 'exception',
      site: ref.site.id,
      at,
      data: { id, kind, gate: ref.gate, lane: ref.lane.lane, plate, readPlate, sessionId },
    });
    return id;
  }

  private record(
    ref: LaneRef,
    decision: GateDecision,
    read: PlateRead,
    at: number,
    eventRef: string,
    sessionId: string | null,
    stale: boolean,
  ): Outcome {
    const commandId = decision.action === 'open' && !stale ? this.deps.newId() : null;
    this.deps.ledger.recordDecision({
      site: ref.site.id,
      gate: ref.gate,
      lane: ref.lane.lane,
      at,
      plate: decision.plate || null,
      readPlate: read.plate || null,
      action: stale ? 'late' : decision.action,
      reason: decision.reason,
      sessionId,
      credentialKind: decision.credentialKind,
      fuzzy: decision.fuzzy,
      display: {
        ...decision.display,
        commandId,
        message: decision.message,
        dueFen: decision.dueFen,
        flags: decision.flags,
      },
      eventRef,
    });
    if (decision.fuzzy)
      this.raise(ref, at, 'fuzzyMatch', decision.fuzzy.matched, decision.fuzzy.read, sessionId, decision.fuzzy);
    if (read.match.kind === 'ambiguous') {
      this.raise(ref, at, 'ambiguousRead', null, read.plate, null, { candidates: read.match.candidates });
    }
    if (read.match.kind === 'none') this.raise(ref, at, 'noPlate', null, null, null, null);
    if (decision.flags.includes('noEntryRecord')) {
      this.raise(ref, at, 'noEntryRecord', decision.plate, read.plate, sessionId, { reason: decision.reason });
    }
    this.deps.metrics.inc('gateway_decisions_total', {
      site: ref.site.id,
      lane: ref.lane.lane,
      reason: decision.reason,
    });
    return { decision, sessionId, commandId };
  }

  /** After the ledger commit: barrier command first (the latency that matters), then the display. */
  private async announce(ref: LaneRef, outcome: Outcome, at: number): Promise<void> {
    const { decision, sessionId, commandId } = outcome;
    if (commandId) await this.command(ref, commandId, decision.reason, sessionId, decision.plate || null, at);
    await this.show(ref, decision.display, at);
    if (decision.action === 'open') this.deps.occupancy.passage(ref.site.id, ref.gate, ref.lane.lane, at);
    this.deps.bus.emit({
      type: 'decision',
      site: ref.site.id,
      at,
      data: {
        gate: ref.gate,
        lane: ref.lane.lane,
        plate: decision.plate,
        action: decision.action,
        reason: decision.reason,
        message: decision.message,
        fuzzy: decision.fuzzy,
        dueFen: decision.dueFen,
        sessionId,
      },
    });
  }

  /** A redelivered plate event: send the same commands again (same command id), so a crash never strands a car. */
  private async republish(siteId: string, eventRef: string): Promise<void> {
    const row = this.deps.ledger.db
      .prepare(
        'SELECT gate, lane, action, reason, session_id, plate, display, at FROM decisions WHERE site = ? AND event_ref = ?',
      )
      .get(siteId, eventRef) as
      | {
          gate: string;
          lane: 'entry' | 'exit';
          action: string;
          reason: string;
          session_id: string | null;
          plate: string | null;
          display: string;
          at: number;
        }
      | undefined;
    if (!row) return;
    const ref = this.lane(siteId, row.gate, row.lane);
    if (!ref) return;
    const display = JSON.parse(row.display) as GateDecision['display'] & { commandId: string | null };
    if (display.commandId) await this.command(ref, display.commandId, row.reason, row.session_id, row.plate, row.at);
    await this.show(ref, display, row.at);
  }

  async command(
    ref: LaneRef,
    commandId: string,
    reasonCode: string,
    sessionId: string | null,
    plate: string | null,
    at: number,
  ): Promise<void> {
    const payload: BarrierCommandPayload = {
      commandId,
      ts: Math.max(at, this.deps.clock.now()),
      lane: ref.lane.lane,
      action: 'open',
      reasonCode,
      sessionId,
      plate,
    };
    await this.deps.publisher.publish(
      this.deps.topics.build.barrierCommand({ site: ref.site.id, gate: ref.gate }),
      payload,
    );
  }

  async show(ref: LaneRef, display: GateDecision['display'], at: number): Promise<void> {
    const payload: DisplayPayload = {
      ts: Math.max(at, this.deps.clock.now()),
      lane: ref.lane.lane,
      lines: display.lines,
      colour: display.colour,
      seconds: display.seconds,
      ...(display.voice ? { voice: display.voice } : {}),
    };
    await this.deps.publisher.publish(this.deps.topics.build.display({ site: ref.site.id, gate: ref.gate }), payload);
    this.deps.bus.emit({ type: 'display', site: ref.site.id, at, data: { gate: ref.gate, ...payload } });
  }

  /** A payment from a pay terminal (MQTT) or an online callback; opens a lane that waits for it. */
  async onPayment(
    siteId: string,
    input: Pick<PaymentPayload, 'sessionId' | 'plate' | 'amountFen' | 'method'> & {
      paymentId: string;
      source: 'terminal' | 'callback' | 'staff';
    },
    at: number,
    claim?: { deviceId: string; eventId: string },
  ): Promise<{ ok: true; applied: boolean; sessionId: string; dueFen: number } | { ok: false; reason: string }> {
    const { ledger, fees } = this.deps;
    const site = this.sites.get(siteId);
    if (!site) return { ok: false, reason: `unknown site ${siteId}` };
    const result = ledger.transaction(() => {
      if (claim && !ledger.claimEvent(claim.deviceId, claim.eventId, 'payment', at))
        return { duplicate: true as const };
      const plate = input.plate ? normalizePlate(input.plate).plate : null;
      const session = input.sessionId
        ? ledger.getSession(input.sessionId)
        : plate
          ? ledger.findOpenSession(siteId, plate)
          : null;
      if (!session || session.site !== siteId) return { missing: true as const };
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
      const quote = fresh.noEntryRecord
        ? { totalFen: fresh.feeFen ?? 0, paidFen: fresh.paidFen, dueFen: (fresh.feeFen ?? 0) - fresh.paidFen }
        : fees.quoteSession(fresh, ledger.paymentsFor(fresh.id), at);
      const opens: { gate: string; commandId: string }[] = [];
      if (fresh.status === 'open' && quote.dueFen <= 0) {
        for (const pending of ledger.pendingExitsFor(siteId, fresh.id)) {
          const ref = this.lane(siteId, pending.gate, 'exit');
          if (!ref) continue;
          this.close(fresh, at, pending.gate, 'EXIT_PAID', quote);
          ledger.clearPendingExit(siteId, pending.gate, 'exit');
          const commandId = this.deps.newId();
          ledger.recordDecision({
            site: siteId,
            gate: pending.gate,
            lane: 'exit',
            at,
            plate: fresh.plate,
            readPlate: null,
            action: 'open',
            reason: 'EXIT_PAID',
            sessionId: fresh.id,
            credentialKind: fresh.credentialKind,
            fuzzy: null,
            display: {
              lines: [fresh.plate, '缴费成功', '一路平安'],
              voice: '缴费成功，一路平安',
              colour: 'green',
              seconds: 10,
              commandId,
            },
            eventRef: claim ? `${claim.deviceId}/${claim.eventId}` : `payment/${input.paymentId}`,
          });
          opens.push({ gate: pending.gate, commandId });
          break;
        }
      }
      return { session: fresh, applied, dueFen: quote.dueFen, opens };
    });
    if ('duplicate' in result) {
      this.deps.metrics.inc('gateway_duplicate_events_total', { kind: 'payment' });
      return { ok: true, applied: false, sessionId: input.sessionId ?? '', dueFen: 0 };
    }
    if ('missing' in result) {
      this.deps.metrics.inc('gateway_rejected_total', { reason: 'payment-no-session' });
      return { ok: false, reason: 'no open session for this payment' };
    }
    if (result.applied) {
      this.deps.metrics.inc('gateway_revenue_fen_total', { site: siteId, method: input.method }, input.amountFen);
      this.deps.bus.emit({
        type: 'session',
        site: siteId,
        at,
        data: { sessionId: result.session.id, paidFen: result.session.paidFen },
      });
    }
    for (const open of result.opens) {
      const ref = this.lane(siteId, open.gate, 'exit')!;
      await this.command(ref, open.commandId, 'EXIT_PAID', result.session.id, result.session.plate, at);
      await this.show(
        ref,
        {
          lines: [result.session.plate, '缴费成功', '一路平安'],
          voice: '缴费成功，一路平安',
          colour: 'green',
          seconds: 10,
        },
        at,
      );
      this.deps.occupancy.passage(siteId, open.gate, 'exit', at);
      this.deps.bus.emit({
        type: 'decision',
        site: siteId,
        at,
        data: {
          gate: open.gate,
          lane: 'exit',
          plate: result.session.plate,
          action: 'open',
          reason: 'EXIT_PAID',
          sessionId: result.session.id,
        },
      });
    }
    return { ok: true, applied: result.applied, sessionId: result.session.id, dueFen: result.dueFen };
  }

  /** Staff open a barrier by hand: identity and reason are required and audited. */
  async manualOpen(input: {
    site: string;
    gate: string;
    lane: 'entry' | 'exit';
    actor: string;
    reason: string;
    plate?: string | undefined;
  }): Promise<{ ok: true; commandId: string } | { ok: false; reason: string }> {
    const ref = this.lane(input.site, input.gate, input.lane);
    if (!ref) return { ok: false, reason: `unknown lane ${input.gate}/${input.lane}` };
    const at = this.deps.clock.now();
    const { ledger } = this.deps;
    const commandId = this.deps.newId();
    const display = {
      lines: [input.plate ?? '人工开闸', '请通行'],
      voice: '请通行',
      colour: 'green' as const,
      seconds: 10,
    };
    const sessionId = ledger.transaction(() => {
      let sessionId: string | null = null;
      const pending = ledger.db
        .prepare('SELECT session_id FROM pending_exits WHERE site = ? AND gate = ? AND lane = ?')
        .get(input.site, input.gate, input.lane) as { session_id: string } | undefined;
      if (input.lane === 'exit' && pending) {
        const session = ledger.getSession(pending.session_id);
        if (session?.status === 'open') {
          const quote = session.noEntryRecord
            ? { totalFen: session.feeFen ?? 0 }
            : this.deps.fees.quoteSession(session, ledger.paymentsFor(session.id), at);
          ledger.markSession(session.id, { manualOpen: true });
          this.close({ ...session, manualOpen: true }, at, input.gate, 'MANUAL_OPEN', quote);
          sessionId = session.id;
        }
        ledger.clearPendingExit(input.site, input.gate, input.lane);
      }
      ledger.recordDecision({
        site: input.site,
        gate: input.gate,
        lane: input.lane,
        at,
        plate: input.plate ?? null,
        readPlate: null,
        action: 'open',
        reason: 'MANUAL_OPEN',
        sessionId,
        credentialKind: null,
        fuzzy: null,
        display: { ...display, commandId, actor: input.actor, manualReason: input.reason },
        eventRef: `manual/${commandId}`,
      });
      ledger.audit({
        at,
        actor: input.actor,
        action: 'manualOpen',
        site: input.site,
        target: `${input.gate}/${input.lane}`,
        reason: input.reason,
        detail: { commandId, plate: input.plate ?? null, sessionId },
      });
      return sessionId;
    });
    await this.command(ref, commandId, 'MANUAL_OPEN', sessionId, input.plate ?? null, at);
    await this.show(ref, display, at);
    this.deps.occupancy.passage(input.site, input.gate, input.lane, at);
    this.deps.metrics.inc('gateway_manual_opens_total', { site: input.site });
    this.deps.bus.emit({
      type: 'audit',
      site: input.site,
      at,
      data: { actor: input.actor, action: 'manualOpen', target: `${input.gate}/${input.lane}`, reason: input.reason },
    });
    this.deps.bus.emit({
      type: 'decision',
      site: input.site,
      at,
      data: {
        gate: input.gate,
        lane: input.lane,
        plate: input.plate ?? '',
        action: 'open',
        reason: 'MANUAL_OPEN',
        sessionId,
      },
    });
    return { ok: true, commandId };
  }
}
