import type { Clock } from '../domain/clock.ts';
import { OccupancyEngine, type SiteOccupancy } from '../domain/occupancy/index.ts';
import type { Site } from '../domain/site.ts';
import type { OccupancyPayload, Topics } from '../protocol/index.ts';
import type { EventBus } from './event-bus.ts';
import type { OccupancyPort } from './gate-service.ts';
import type { Logger } from './logger.ts';
import type { LedgerPort, Publisher } from './ports.ts';

const STATE_KEY = 'occupancy-engine';

export interface OccupancyListener {
  occupancy(snapshot: SiteOccupancy): void;
}

/**
 * Owns the occupancy engine for the gateway: restores and saves its state, publishes the retained occupancy topic
 * when a site's figures change, and gives the gate its one free-space figure.
 */
export class OccupancyService implements OccupancyPort {
  readonly engine: OccupancyEngine;
  private readonly dirty = new Set<string>();
  private readonly freeCache = new Map<string, number>();
  private readonly lastPublished = new Map<string, string>();

  constructor(
    private readonly deps: {
      sites: Site[];
      ledger: LedgerPort;
      clock: Clock;
      publisher: Publisher;
      topics: Topics;
      bus: EventBus;
      log: Logger;
      listeners: OccupancyListener[];
    },
  ) {
    this.engine = new OccupancyEngine(deps.sites);
  }

  /**
   * Restores the saved engine state, then replays the barrier openings recorded after it was saved, so a crash
   * between two saves does not lose passages from the gate counts.
   */
  restore(): void {
    const saved = this.deps.ledger.loadState<{ engine: unknown; lastDecisionId: number }>(STATE_KEY);
    let after = 0;
    if (saved !== null) {
      const result = this.engine.importState(saved.engine);
      if (result.ok) after = saved.lastDecisionId;
      else this.deps.log.warn({ reason: result.reason }, 'saved occupancy state not restored');
    }
    const missed = this.deps.ledger.openingsAfter(after);
    for (const opening of missed) this.engine.applyPassage({ ...opening, ts: opening.at });
    if (missed.length > 0) this.deps.log.info({ passages: missed.length }, 'gate counts caught up from the ledger');
  }

  save(): void {
    const state = { engine: this.engine.exportState(), lastDecisionId: this.deps.ledger.maxDecisionId() };
    this.deps.ledger.saveState(STATE_KEY, state, this.deps.clock.now());
  }

  /**
   * The free spaces the entry decision uses. A snapshot walks every space (about 1 ms for 2,000), so the figure is
   * kept until something changes it: a passage, a sensor change, a staff action, or a timeout applied by `flush`.
   */
  free(site: string): number {
    let free = this.freeCache.get(site);
    if (free === undefined) {
      free = this.engine.snapshot(site, this.deps.clock.now()).free;
      this.freeCache.set(site, free);
    }
    return free;
  }

  passage(site: string, gate: string, lane: 'entry' | 'exit', at: number): void {
    this.engine.applyPassage({ site, gate, lane, ts: at });
    this.markDirty(site);
  }

  markDirty(site: string): void {
    this.dirty.add(site);
    this.freeCache.delete(site);
  }

  /** Applies timeouts, then publishes every site whose figures changed. */
  async flush(force = false): Promise<void> {
    const now = this.deps.clock.now();
    const ticked = this.engine.tick(now);
    for (const change of ticked.changes) this.markDirty(change.site);
    for (const correction of ticked.corrections) this.markDirty(correction.site);
    const sites = force ? this.engine.siteIds() : [...this.dirty];
    this.dirty.clear();
    for (const site of sites) await this.publish(this.engine.snapshot(site, now), force);
  }

  private async publish(snapshot: SiteOccupancy, force: boolean): Promise<void> {
    const payload: OccupancyPayload = {
      site: snapshot.site,
      ts: snapshot.ts,
      capacity: snapshot.capacity,
      occupied: snapshot.occupied,
      free: snapshot.free,
      status: snapshot.status,
      zones: snapshot.zones.map((z) => ({
        id: z.id,
        capacity: z.capacity,
        occupied: z.occupied,
        free: z.free,
        status: z.status,
        source: z.source,
      })),
      freshness: { ts: snapshot.freshness.ts, oldestInputAgeMs: snapshot.freshness.oldestInputAgeMs },
    };
    const key = JSON.stringify({ ...payload, ts: 0, freshness: null });
    if (!force && this.lastPublished.get(snapshot.site) === key) return;
    this.lastPublished.set(snapshot.site, key);
    for (const listener of this.deps.listeners) listener.occupancy(snapshot);
    this.deps.bus.emit({ type: 'occupancy', site: snapshot.site, at: snapshot.ts, data: snapshot });
    await this.deps.publisher.publish(this.deps.topics.build.occupancy({ site: snapshot.site }), payload, {
      retain: true,
    });
  }
}
