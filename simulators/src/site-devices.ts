import type { Site } from '../../gateway/src/domain/site.ts';
import type { Logins } from './device-accounts.ts';
import { SimBarrier } from './devices/barrier.ts';
import { SimCamera } from './devices/camera.ts';
import { SimDisplay } from './devices/display.ts';
import { SimLoop } from './devices/loop.ts';
import { SimPayTerminal } from './devices/pay-terminal.ts';
import type { SimDevice, SimDeviceOptions } from './devices/sim-device.ts';
import { SimSpaceSensor } from './devices/space-sensor.ts';
import type { SimFaults } from './faults.ts';
import { LaneRig } from './lane-rig.ts';
import type { Random } from './random.ts';
import type { SimClock } from './sim-clock.ts';

export interface SiteDevicesOptions {
  site: Site;
  clock: SimClock;
  brokerUrl: string;
  root?: string | undefined;
  logins: Logins;
  faults: SimFaults;
  random: Random;
  print?: ((line: string) => void) | undefined;
  heartbeatMs: number;
}

export interface SiteDevices {
  all: SimDevice[];
  entryLanes: LaneRig[];
  exitLanes: LaneRig[];
  barriers: SimBarrier[];
  sensors: SimSpaceSensor[];
  sensorsOf(zone: string): SimSpaceSensor[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Every device of a configured site, one MQTT identity each, grouped into lane rigs. */
export function buildDevices(options: SiteDevicesOptions): SiteDevices {
  const { site, faults, random } = options;
  const byId = new Map<string, SimDevice>();
  const publishFaults = { duplicateRate: faults.duplicateRate, outOfOrderRate: faults.outOfOrderRate };
  function base(deviceId: string): SimDeviceOptions {
    return {
      brokerUrl: options.brokerUrl,
      login: options.logins.device(site.id, deviceId),
      site: site.id,
      deviceId,
      clock: options.clock,
      root: options.root,
      faults: publishFaults,
      random: random.fork(deviceId),
    };
  }
  function once<T extends SimDevice>(id: string, make: () => T): T {
    const existing = byId.get(id);
    if (existing) return existing as T;
    const device = make();
    byId.set(id, device);
    return device;
  }
  const displayLanes = new Map<string, number>();
  for (const gate of site.gates)
    for (const lane of gate.lanes) displayLanes.set(lane.display, (displayLanes.get(lane.display) ?? 0) + 1);

  const entryLanes: LaneRig[] = [];
  const exitLanes: LaneRig[] = [];
  const barriers: SimBarrier[] = [];
  for (const gate of site.gates) {
    for (const lane of gate.lanes) {
      const camera = once(
        lane.camera,
        () =>
          new SimCamera({
            ...base(lane.camera),
            gate: gate.id,
            misreadRate: faults.misreadRate,
            missRate: faults.missRate,
          }),
      );
      const barrier = once(
        lane.barrier,
        () => new SimBarrier({ ...base(lane.barrier), gate: gate.id, lane: lane.lane }),
      );
      barriers.push(barrier);
      const shared = (displayLanes.get(lane.display) ?? 0) > 1;
      const display = once(
        lane.display,
        () =>
          new SimDisplay({
            ...base(lane.display),
            gate: gate.id,
            lane: shared ? null : lane.lane,
            gateName: gate.name,
            print: options.print,
          }),
      );
      const loop = lane.loop ? once(lane.loop, () => new SimLoop({ ...base(lane.loop!), gate: gate.id })) : null;
      const pay = lane.payTerminal
        ? once(lane.payTerminal, () => new SimPayTerminal({ ...base(lane.payTerminal!), gate: gate.id }))
        : null;
      const rig = new LaneRig(site.id, gate, lane.lane, camera, barrier, display, loop, pay, lane.zones ?? []);
      (lane.lane === 'entry' ? entryLanes : exitLanes).push(rig);
    }
  }
  const sensorsByZone = new Map<string, SimSpaceSensor[]>();
  const sensors: SimSpaceSensor[] = [];
  for (const zone of site.zones) {
    const list: SimSpaceSensor[] = [];
    for (const space of zone.spaces) {
      if (!space.sensor) continue;
      const sensor = once(
        space.sensor,
        () => new SimSpaceSensor({ ...base(space.sensor!), space: space.id, heartbeatMs: options.heartbeatMs }),
      );
      list.push(sensor);
      sensors.push(sensor);
    }
    sensorsByZone.set(zone.id, list);
  }
  if (entryLanes.length === 0 || exitLanes.length === 0) {
    throw new Error(`site ${site.id}: the simulator needs at least one entry and one exit lane`);
  }
  const all = [...byId.values()];
  return {
    all,
    entryLanes,
    exitLanes,
    barriers,
    sensors,
    sensorsOf: (zone) => sensorsByZone.get(zone) ?? [],
    async start() {
      // A few at a time: each connect costs the broker a password hash.
      for (let i = 0; i < all.length; i += 16) await Promise.all(all.slice(i, i + 16).map((d) => d.start()));
    },
    async stop() {
      await Promise.all(all.map((d) => d.stop()));
    },
  };
}
