import type { Session } from '../domain/session/session.ts';
import type { Site } from '../domain/site.ts';
import type { LaneRef } from './gate-ports.ts';
import type { LedgerPort } from './ports.ts';

/** The configured sites and their lanes, looked up by id. */
export class Lanes {
  private readonly sites: Map<string, Site>;

  constructor(sites: readonly Site[]) {
    this.sites = new Map(sites.map((s) => [s.id, s]));
  }

  site(id: string): Site | undefined {
    return this.sites.get(id);
  }

  all(): Iterable<Site> {
    return this.sites.values();
  }

  lane(siteId: string, gateId: string, lane: 'entry' | 'exit'): LaneRef | null {
    const site = this.sites.get(siteId);
    const gate = site?.gates.find((g) => g.id === gateId);
    const found = gate?.lanes.find((l) => l.lane === lane);
    return site && found ? { site, gate: gateId, lane: found } : null;
  }
}

/**
 * Ends a stay in the ledger. A stay with no entry record keeps the fixed fee it was given at its exit read; any
 * other is charged the quote it left with.
 */
export function closeStay(
  ledger: LedgerPort,
  stay: {
    session: Session;
    at: number;
    gate: string | null;
    reason: string;
    fee: { totalFen: number; items?: unknown };
  },
): void {
  const { session, fee } = stay;
  ledger.closeSession(session.id, {
    exitAt: stay.at,
    exitGate: stay.gate,
    feeFen: session.noEntryRecord ? (session.feeFen ?? fee.totalFen) : fee.totalFen,
    breakdown: session.noEntryRecord ? session.breakdown : fee,
    closeReason: stay.reason,
  });
}
