import { z } from 'zod';
import type { GateDecision, PlateRead } from '../domain/gate/index.ts';
import { Display, ReasonCode } from '../domain/gate/reason-catalogue.ts';
import type { ExceptionKind } from '../domain/session/session.ts';
import type { BarrierCommandPayload, DisplayPayload } from '../protocol/index.ts';
import type { GateDeps, LaneRef } from './gate-ports.ts';
import type { Lanes } from './lanes.ts';
import type { DecisionRow } from './ports.ts';

/**
 * What happened at a lane: a plate read decided, a held car let out by its payment, a barrier opened by staff.
 * Every one goes through `LaneOutcomes`: recorded with its exceptions inside the caller's ledger transaction, then,
 * after the commit, announced in one order (barrier command, display, passage, live event).
 */
export interface LaneOutcome {
  ref: LaneRef;
  /** When it happened (device time of the read, or the time the stay ended for a paid exit). */
  at: number;
  /** From the domain: action, reason, plate, display (the reason catalogue), message, classes. */
  decision: GateDecision;
  /** The camera's read, when a plate read led here (a payment or a manual open has none). */
  read: PlateRead | null;
  sessionId: string | null;
  /** The device event, payment or staff action it answers: a redelivery finds it by this ref. */
  eventRef: string;
  /** A read that arrived after the car had gone: recorded as `late`, opens nothing. */
  stale: boolean;
  /** Kept with the recorded display (who opened by hand and why). */
  note?: Record<string, string>;
  /** The same passage seen again: the earlier outcome's command is re-sent, no new passage is counted. */
  repeat?: boolean;
}

/** The display a decision was recorded with, and its barrier command id (null when nothing opened). */
const RecordedDisplay = Display.extend({ commandId: z.string().nullable().default(null) });

/** An exception for staff: what, where and about which car. */
export interface RaisedException {
  ref: LaneRef;
  at: number;
  kind: ExceptionKind;
  plate: string | null;
  readPlate: string | null;
  sessionId: string | null;
  detail: unknown;
}

export type LaneOutcomeDeps = Pick<
  GateDeps,
  'ledger' | 'publisher' | 'topics' | 'clock' | 'metrics' | 'bus' | 'occupancy' | 'newId'
> & { lanes: Lanes };

export interface RecordedOutcome extends LaneOutcome {
  /** The barrier command's id; null when nothing opens. */
  commandId: string | null;
}

/** The one path from a lane outcome to the ledger, the devices, occupancy and the live stream. */
export class LaneOutcomes {
  constructor(private readonly deps: LaneOutcomeDeps) {}

  /** Inside the caller's transaction: the decision with its command id, and the exceptions it raises. */
  /**
   * A read of a car that passed this lane moments ago (`isRepeatRead`): recorded under its own event ref with the
   * earlier outcome's reason, display and command id, so the barrier gets the same command again and nothing new is
   * decided, opened or charged.
   */
  recordRepeat(repeat: {
    ref: LaneRef;
    at: number;
    original: DecisionRow;
    read: PlateRead;
    eventRef: string;
  }): RecordedOutcome | null {
    const { original } = repeat;
    const reason = ReasonCode.safeParse(original.reason);
    const display = RecordedDisplay.safeParse(original.display);
    if (!reason.success || !display.success) return null;
    const decision = {
      action: 'open' as const,
      reason: reason.data,
      plate: original.plate ?? repeat.read.plate,
      display: display.data,
      message: { zh: '同一车辆重复识别', en: 'the same passage read again' },
      credentialKind: null,
      userClass: null,
      fuzzy: null,
      dueFen: null,
      flags: [],
    };
    this.deps.ledger.recordDecision({
      site: repeat.ref.site.id,
      gate: repeat.ref.gate,
      lane: repeat.ref.lane.lane,
      at: repeat.at,
      plate: decision.plate || null,
      readPlate: repeat.read.plate || null,
      // Not an opening of its own: start-up replays and reports count only `open`.
      action: 'repeat',
      reason: decision.reason,
      sessionId: original.sessionId,
      credentialKind: original.credentialKind,
      fuzzy: null,
      display: { ...display.data, repeatOf: original.eventRef },
      eventRef: repeat.eventRef,
    });
    this.deps.metrics.inc('gateway_repeat_reads_total', { site: repeat.ref.site.id, lane: repeat.ref.lane.lane });
    return {
      ref: repeat.ref,
      at: repeat.at,
      decision,
      read: repeat.read,
      sessionId: original.sessionId,
      eventRef: repeat.eventRef,
      stale: false,
      repeat: true,
      commandId: display.data.commandId,
    };
  }

  record(outcome: LaneOutcome): RecordedOutcome {
    const { ref, decision, read, at, sessionId, stale } = outcome;
    const commandId = decision.action === 'open' && !stale ? this.deps.newId() : null;
    this.deps.ledger.recordDecision({
      site: ref.site.id,
      gate: ref.gate,
      lane: ref.lane.lane,
      at,
      plate: decision.plate || null,
      readPlate: read?.plate || null,
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
        ...outcome.note,
      },
      eventRef: outcome.eventRef,
    });
    const here = { ref, at };
    if (decision.fuzzy) {
      const { matched, read: misread } = decision.fuzzy;
      this.raise({
        ...here,
        kind: 'fuzzyMatch',
        plate: matched,
        readPlate: misread,
        sessionId,
        detail: decision.fuzzy,
      });
    }
    if (read?.match.kind === 'ambiguous') {
      const detail = { candidates: read.match.candidates };
      this.raise({ ...here, kind: 'ambiguousRead', plate: null, readPlate: read.plate, sessionId: null, detail });
    }
    if (read?.match.kind === 'none') {
      this.raise({ ...here, kind: 'noPlate', plate: null, readPlate: null, sessionId: null, detail: null });
    }
    if (decision.flags.includes('noEntryRecord')) {
      const detail = { reason: decision.reason };
      const readPlate = read?.plate ?? null;
      this.raise({ ...here, kind: 'noEntryRecord', plate: decision.plate, readPlate, sessionId, detail });
    }
    this.deps.metrics.inc('gateway_decisions_total', {
      site: ref.site.id,
      lane: ref.lane.lane,
      reason: decision.reason,
    });
    return { ...outcome, commandId };
  }

  /** An exception for staff, in the ledger and on the live stream. */
  raise(e: RaisedException): number {
    const { ref, at, kind, plate, readPlate, sessionId } = e;
    const id = this.deps.ledger.raiseException({
      site: ref.site.id,
      at,
      kind,
      gate: ref.gate,
      lane: ref.lane.lane,
      plate,
      readPlate,
      sessionId,
      detail: e.detail,
    });
    this.deps.bus.emit({
      type: 'exception',
      site: ref.site.id,
      at,
      data: { status: 'open', id, kind, gate: ref.gate, lane: ref.lane.lane, plate, readPlate, sessionId },
    });
    return id;
  }

  /**
   * After the commit: the barrier command first (the latency that matters), then the display; the passage and the
   * live event only for what was recorded. A late read opens nothing, shows nothing, and nothing passes.
   */
  async announce(outcome: RecordedOutcome): Promise<void> {
    const { ref, decision, sessionId, commandId, at } = outcome;
    if (commandId) await this.command(ref, commandId, decision.reason, sessionId, decision.plate || null, at);
    // The panel agrees with the barrier: a late read opens nothing and shows nothing (the car has gone; a welcome
    // in green would be for whoever stands there now).
    if (!outcome.stale) await this.show(ref, decision.display, at);
    if (commandId && !outcome.repeat) this.deps.occupancy.passage(ref.site.id, ref.gate, ref.lane.lane, at);
    this.deps.bus.emit({
      type: 'decision',
      site: ref.site.id,
      at,
      data: {
        gate: ref.gate,
        lane: ref.lane.lane,
        plate: decision.plate,
        action: outcome.stale ? 'late' : decision.action,
        reason: decision.reason,
        opened: commandId !== null && !outcome.repeat,
        message: decision.message,
        fuzzy: decision.fuzzy,
        dueFen: decision.dueFen,
        sessionId,
        credentialKind: decision.credentialKind,
        userClass: decision.userClass,
      },
    });
  }

  /**
   * A redelivered event (plate read, payment): send the command and display recorded for it again, same command id,
   * so a crash between the commit and the barrier command never strands a car.
   */
  async republish(siteId: string, eventRef: string): Promise<void> {
    const row = this.deps.ledger.decisionByEvent(siteId, eventRef);
    if (!row || (row.lane !== 'entry' && row.lane !== 'exit')) return;
    const ref = this.deps.lanes.lane(siteId, row.gate, row.lane);
    if (!ref) return;
    const display = RecordedDisplay.parse(row.display);
    if (display.commandId) {
      await this.command(ref, display.commandId, row.reason, row.sessionId, row.plate, row.at);
    }
    if (row.action !== 'late') await this.show(ref, display, row.at);
  }

  private async command(
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

  private async show(ref: LaneRef, display: GateDecision['display'], at: number): Promise<void> {
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
}
