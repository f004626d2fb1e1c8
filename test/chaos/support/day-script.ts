import { join, resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import { openDatabase } from '../../../gateway/src/adapters/sqlite/database.ts';
import { Ledger } from '../../../gateway/src/adapters/sqlite/ledger.ts';
import { RegistryStore } from '../../../gateway/src/adapters/sqlite/registry-store.ts';
import { FeeService } from '../../../gateway/src/app/fee-service.ts';
import type { Config } from '../../../gateway/src/config/config.ts';
import { openSession, type Session } from '../../../gateway/src/domain/session/session.ts';

export const PER_MINUTE_TARIFF = resolve(import.meta.dirname, '../fixtures/per-minute.yaml');
const SEC = 1000;

/** One device message of the scripted day; `at` is its device time as an offset from the run's base time. */
export type ScriptEvent =
  | { kind: 'plate'; at: number; eventId: string; lane: 'entry' | 'exit'; plate: string }
  | { kind: 'payment'; at: number; eventId: string; plate: string; amountFen: number };

export interface DayScript {
  events: ScriptEvent[];
  residents: string[];
  /** The device-time span of the script, from its first to its last event, in ms. */
  spanMs: number;
}

/** A small deterministic generator (mulberry32), so both runs of a test replay the same day. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plateFor(i: number): string {
  return `苏E${String(20000 + i).padStart(5, '0')}`;
}

/**
 * A busy stretch of a day, compressed into under 5 minutes of device time so every timestamp stays inside the gateway's
 * clock-skew and stale-read windows while the gateway runs on the real clock: temporary cars that pay at the
 * terminal before leaving, cars that are held at the exit and pay there, residents (owners' rate), a car with no
 * entry record, a second entry read of a car inside (within the repeat window: the same admission, #16.2), and cars
 * still inside at the end. Fees are worked out with the gateway's own FeeService on the per-minute test tariff, as a
 * pay terminal would show them.
 */
export function makeDayScript(opts: { config: Config; baseDir: string; cars: number; seed: number }): DayScript {
  const random = seededRandom(opts.seed);
  // No passes in the script: every session keeps the class it entered with.
  const fees = FeeService.load(opts.config, opts.baseDir, null);
  const events: ScriptEvent[] = [];
  const residents: string[] = [];
  let n = 0;
  const id = (what: string) => `${what}-${++n}`;
  // The per-minute tariff charges by duration alone, so any instant in force serves as the base for quoting.
  const anchor = Date.parse('2026-03-02T10:00:00+08:00');
  const dueAt = (entryAt: number, at: number, userClass: string) =>
    fees.quoteSession(sessionAt(anchor + entryAt, userClass), [], anchor + at).dueFen;

  for (let i = 0; i < opts.cars; i++) {
    const plate = plateFor(i);
    const entryAt = Math.round(random() * 120 * SEC);
    const stay = Math.round((15 + random() * 145) * SEC);
    const exitAt = entryAt + stay;
    const style = random();
    const resident = style < 0.2;
    if (resident) residents.push(plate);
    const userClass = resident ? 'owner' : 'visitor';
    events.push({ kind: 'plate', at: entryAt, eventId: id('in'), lane: 'entry', plate });
    if (i % 10 === 9) continue; // still inside at the end of the script
    if (style >= 0.2 && style < 0.6) {
      const payAt = exitAt - 5 * SEC;
      events.push({
        kind: 'payment',
        at: payAt,
        eventId: id('pay'),
        plate,
        amountFen: dueAt(entryAt, payAt, userClass),
      });
      events.push({ kind: 'plate', at: exitAt, eventId: id('out'), lane: 'exit', plate });
    } else {
      events.push({ kind: 'plate', at: exitAt, eventId: id('out'), lane: 'exit', plate });
      const payAt = exitAt + 3 * SEC;
      events.push({
        kind: 'payment',
        at: payAt,
        eventId: id('pay'),
        plate,
        amountFen: dueAt(entryAt, payAt, userClass),
      });
    }
  }
  // An exit with no entry record (fixed fee, then paid), and a double entry.
  events.push({ kind: 'plate', at: 100 * SEC, eventId: id('out'), lane: 'exit', plate: '浙B99999' });
  events.push({ kind: 'payment', at: 104 * SEC, eventId: id('pay'), plate: '浙B99999', amountFen: 1000 });
  events.push({ kind: 'plate', at: 150 * SEC, eventId: id('in'), lane: 'entry', plate: plateFor(9) });
  events.sort((a, b) => a.at - b.at);
  const first = events[0]?.at ?? 0;
  const last = events.at(-1)?.at ?? 0;
  return { events, residents, spanMs: last - first };
}

function sessionAt(entryAt: number, userClass: string): Session {
  return openSession({
    id: 'quote',
    site: 's1',
    plate: '',
    readPlate: null,
    entryAt,
    entryGate: 'g1',
    credentialKind: userClass === 'owner' ? 'resident' : 'temporary',
    userClass,
    vehicleClass: 'small',
    energy: 'fuel',
  });
}

/** Registers the script's residents in a data dir's ledger before the gateway first opens it. */
export function registerResidents(dataDir: string, plates: string[]): void {
  const db = openDatabase(join(dataDir, 'ledger.db'));
  try {
    new Ledger(db);
    const registry = RegistryStore.open(db);
    registry.households.put({ site: 's1', id: 'H1', room: '1栋101' });
    for (const plate of plates) {
      const put = registry.vehicles.put({ site: 's1', plate, household: 'H1' });
      if (!put.ok) throw new Error(`resident ${plate} not registered: ${JSON.stringify(put)}`);
    }
  } finally {
    db.close();
  }
}

/** Publishes one scripted event from its device (QoS 1, resolved on the broker's PUBACK), device time `base + at`. */
export async function publishEvent(
  devices: { camIn: MqttClient; camOut: MqttClient; pay: MqttClient },
  event: ScriptEvent,
  base: number,
): Promise<void> {
  const ts = base + event.at;
  if (event.kind === 'plate') {
    const device = event.lane === 'entry' ? 'cam-in' : 'cam-out';
    const client = event.lane === 'entry' ? devices.camIn : devices.camOut;
    const payload = {
      eventId: event.eventId,
      ts,
      deviceId: device,
      lane: event.lane,
      plate: event.plate,
      colour: 'blue',
      confidence: 0.98,
      cameraId: device,
    };
    await client.publishAsync('parking/s1/gate/g1/plate', JSON.stringify(payload), { qos: 1 });
    return;
  }
  const payload = {
    eventId: event.eventId,
    ts,
    deviceId: 'pay-out',
    sessionId: null,
    plate: event.plate,
    amountFen: event.amountFen,
    method: 'wechat',
    terminalId: 'pay-out',
    transactionId: `tx-${event.eventId}`,
  };
  await devices.pay.publishAsync('parking/s1/gate/g1/payment', JSON.stringify(payload), { qos: 1 });
}
