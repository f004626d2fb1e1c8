import type { Config } from '../config/config.ts';
import type { Clock } from '../domain/clock.ts';
import type { resolveCredential } from '../domain/registry/index.ts';
import type { Lane, Site } from '../domain/site.ts';
import type { Topics } from '../protocol/index.ts';
import type { EventBus } from './event-bus.ts';
import type { FeeService } from './fee-service.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { LedgerPort, Publisher } from './ports.ts';

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
  ledger: LedgerPort;
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

export { MAX_CLOCK_SKEW_MS, STALE_READ_MS } from '../domain/gate/gate-rules.ts';

/**
 * A car held at an exit (fee due) that has not paid within this time of its read is taken to have left the lane: its
 * payment then opens no barrier (another car may stand there); its next read, inside the paid-exit window, does.
 */
export const HOLD_LAPSES_MS = 15 * 60_000;

export interface LaneRef {
  site: Site;
  gate: string;
  lane: Lane;
}
