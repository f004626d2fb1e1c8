import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import { ManualClock } from '../../gateway/src/domain/clock.ts';
import type { RunningGateway } from '../../gateway/src/main.ts';
import { identitiesOf, startTestBroker, startTestGateway, writeSite } from '../support/harness.ts';

const FREE_TARIFF = resolve(import.meta.dirname, 'free-tariff.yaml');

/**
 * The gateway's own timer never fires during a replay: the replay records the minute snapshots itself through
 * Gateway.recordSnapshots, so no snapshot lands at whatever time the manual clock shows when a timer fires.
 */
const TIMER_OFF_MS = 24 * 3_600_000;

export interface ReplaySite {
  id: string;
  name: string;
  capacity: number;
}

/** Device ids are prefixed with the site, so one broker account per device across sites. */
export function laneDevices(site: string) {
  return {
    entryCamera: `${site}-cam-in`,
    exitCamera: `${site}-cam-out`,
    entryBarrier: `${site}-bar-in`,
    exitBarrier: `${site}-bar-out`,
  };
}

/** One site per car park: one zone with the car park's capacity, one gate with an entry and an exit lane. */
export function replayConfigYaml(sites: ReplaySite[]): string {
  const blocks = sites.map((s) => {
    const d = laneDevices(s.id);
    return `
  - id: ${s.id}
    name: ${JSON.stringify(s.name)}
    timeZone: Europe/London
    households: 0
    tariffs: [${JSON.stringify(FREE_TARIFF)}]
    zones:
      - { id: main, name: ${JSON.stringify(s.name)}, capacity: ${s.capacity} }
    gates:
      - id: gate
        name: gate
        lanes:
          - { lane: entry, camera: ${d.entryCamera}, barrier: ${d.entryBarrier}, display: ${s.id}-led-in }
          - { lane: exit, camera: ${d.exitCamera}, barrier: ${d.exitBarrier}, display: ${s.id}-led-out }`;
  });
  return `topicRoot: parking\nsites:${blocks.join('')}\n`;
}

export interface ReplayCommunity {
  clock: ManualClock;
  gateway: RunningGateway;
  device(username: string): Promise<MqttClient>;
  stop(): Promise<void>;
}

/** A real aedes broker with device accounts and a real gateway on a manual clock, in a fresh temp dir. */
export async function startReplayCommunity(sites: ReplaySite[], start: number): Promise<ReplayCommunity> {
  const site = writeSite(replayConfigYaml(sites), { prefix: 'replay-', file: 'sites.yaml' });
  const broker = await startTestBroker({ identities: identitiesOf(site.config) });
  const clock = new ManualClock(start);
  let gateway: RunningGateway;
  try {
    gateway = await startTestGateway({ broker, site, clock, tickMs: TIMER_OFF_MS });
  } catch (err) {
    await broker.stop();
    site.remove();
    throw err;
  }
  return {
    clock,
    gateway,
    device: (username) => broker.connect(username),
    async stop() {
      await broker.closeClients();
      await gateway.stop();
      await broker.stop();
      site.remove();
    },
  };
}
