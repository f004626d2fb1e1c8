import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../gateway/src/adapters/sqlite/database.ts';
import { Ledger } from '../../gateway/src/adapters/sqlite/ledger.ts';
import { RegistryStore } from '../../gateway/src/adapters/sqlite/registry-store.ts';
import { EventBus, type LiveEvent } from '../../gateway/src/app/event-bus.ts';
import { payloadDigest } from '../../gateway/src/app/event-claims.ts';
import { FeeService } from '../../gateway/src/app/fee-service.ts';
import { GateService } from '../../gateway/src/app/gate-service.ts';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { Metrics } from '../../gateway/src/app/metrics.ts';
import type { Publisher } from '../../gateway/src/app/ports.ts';
import { parseConfigText } from '../../gateway/src/config/config.ts';
import { ManualClock } from '../../gateway/src/domain/clock.ts';
import { createTopics, type PlatePayload } from '../../gateway/src/protocol/index.ts';
import { testConfigYaml } from './community.ts';

/** Every message the application published, in order. */
export class RecordingPublisher implements Publisher {
  readonly sent: { topic: string; payload: Record<string, unknown> }[] = [];

  async publish(topic: string, payload: unknown): Promise<void> {
    this.sent.push({ topic, payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown> });
  }

  commands(): Record<string, unknown>[] {
    return this.sent.filter((m) => m.topic.endsWith('/barrier/command')).map((m) => m.payload);
  }

  displays(): { lines: string[]; colour: string }[] {
    return this.sent
      .filter((m) => m.topic.endsWith('/display'))
      .map((m) => ({ lines: m.payload.lines as string[], colour: m.payload.colour as string }));
  }
}

/**
 * The gate's application layer alone: a real SQLite ledger and registry in a temp dir, a recording publisher, a
 * manual clock, and an occupancy port that counts passages (free spaces fixed). No broker, no HTTP.
 */
export interface AppHarness {
  gate: GateService;
  ledger: Ledger;
  registry: RegistryStore;
  fees: FeeService;
  clock: ManualClock;
  publisher: RecordingPublisher;
  events: LiveEvent[];
  passages: { gate: string; lane: string; at: number }[];
  plate(
    lane: 'entry' | 'exit',
    plate: string,
    opts?: { ts?: number; eventId?: string; receivedAt?: number },
  ): Promise<void>;
  pay(plate: string, amountFen: number, opts?: { ts?: number; eventId?: string }): Promise<unknown>;
  close(): void;
}

export function startAppHarness(opts: { tariff: string; start: number }): AppHarness {
  const dir = mkdtempSync(join(tmpdir(), 'app-'));
  const config = parseConfigText(
    testConfigYaml({ tariff: opts.tariff, capacity: 100, reserve: 0 }),
    join(dir, 'site.yaml'),
  );
  const db = openDatabase(join(dir, 'ledger.db'));
  const ledger = new Ledger(db);
  const registry = RegistryStore.open(db);
  const fees = FeeService.load(config, dir, {
    entriesFor: (site, plate) => registry.entriesForPlate(site, plate),
  });
  const clock = new ManualClock(opts.start);
  const publisher = new RecordingPublisher();
  const bus = new EventBus();
  const events: LiveEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const passages: AppHarness['passages'] = [];
  let ids = 0;
  const gate = new GateService({
    config,
    ledger,
    registry: {
      entriesFor: (site, plate) => registry.entriesForPlate(site, plate),
      plates: (site) => registry.allPlates(site),
    },
    fees,
    occupancy: {
      free: () => 50,
      passage: (_site, g, lane, at) => {
        passages.push({ gate: g, lane, at });
      },
    },
    publisher,
    topics: createTopics('parking'),
    clock,
    metrics: new Metrics(),
    bus,
    log: silentLogger,
    newId: () => `id-${++ids}`,
  });
  let events_ = 0;
  return {
    gate,
    ledger,
    registry,
    fees,
    clock,
    publisher,
    events,
    passages,
    async plate(lane, plate, o = {}) {
      const device = lane === 'entry' ? 'cam-in' : 'cam-out';
      const payload: PlatePayload = {
        eventId: o.eventId ?? `read-${++events_}`,
        ts: o.ts ?? clock.now(),
        deviceId: device,
        lane,
        plate,
        colour: 'blue',
        confidence: 0.98,
        cameraId: device,
      };
      await gate.onPlate({ site: 's1', gate: 'g1', payload, receivedAt: o.receivedAt ?? clock.now() });
    },
    pay(plate, amountFen, o = {}) {
      const eventId = o.eventId ?? `pay-${++events_}`;
      return gate.onPayment({
        site: 's1',
        payment: {
          sessionId: null,
          plate,
          amountFen,
          method: 'wechat',
          paymentId: `terminal/pay-out/${eventId}`,
          source: 'terminal',
        },
        at: o.ts ?? clock.now(),
        claim: {
          deviceId: 'pay-out',
          eventId,
          digest: payloadDigest({ eventId, plate, amountFen, ts: o.ts ?? clock.now() }),
        },
      });
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
