import { overstays } from '../domain/gate/index.ts';
import type { LaneOutcomes } from './lane-outcome.ts';
import type { Lanes } from './lanes.ts';
import type { LedgerPort } from './ports.ts';

/** Flags each visitor still inside past their window, once per stay, as an exception for staff. */
export class OverstaySweep {
  constructor(private readonly deps: { ledger: LedgerPort; lanes: Lanes; outcomes: LaneOutcomes }) {}

  /** Returns how many stays were flagged now. */
  run(at: number): number {
    let raised = 0;
    for (const site of this.deps.lanes.all()) {
      const inside = this.deps.ledger
        .openSessions(site.id)
        .filter((s) => s.credentialKind === 'visitor' && s.entryAt !== null)
        .map((s) => ({
          id: s.id,
          plate: s.plate,
          entryAt: s.entryAt ?? at,
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
        const gate = site.gates[0];
        const lane = gate?.lanes[0];
        if (!gate || !lane) continue;
        this.deps.outcomes.raise({
          ref: { site, gate: gate.id, lane },
          at,
          kind: 'visitorOverstay',
          plate: over.plate,
          readPlate: over.plate,
          sessionId: over.sessionId,
          detail: { deadline: over.deadline, overMs: over.overMs },
        });
        raised++;
      }
    }
    return raised;
  }
}
