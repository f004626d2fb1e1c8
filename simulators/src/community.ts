import { EventEmitter } from 'node:events';
import type { Site } from '../../gateway/src/domain/site.ts';
import type { PaymentMethod } from '../../gateway/src/protocol/index.ts';
import { type DayPlan, type Movement, planDay } from './day-plan.ts';
import type { Logins } from './device-accounts.ts';
import type { SimSpaceSensor } from './devices/space-sensor.ts';
import { type SimFaults, SimFaults as SimFaultsSchema } from './faults.ts';
import type { GateOutcome, LaneRig } from './lane-rig.ts';
import { buildPopulation, newVehicle, type Population, type SimVehicle } from './population.ts';
import { type CommunityProfile, profileFor } from './profiles.ts';
import { createRandom, type Random } from './random.ts';
import { DAY_MS, HOUR_MS, localTime, type SimClock } from './sim-clock.ts';
import { buildDevices, type SiteDevices } from './site-devices.ts';

const MINUTE = 60_000;

export type TripEventKind = 'entered' | 'denied' | 'exited' | 'paid' | 'manualExit' | 'tailgate' | 'fault';

export interface TripEvent {
  site: string;
  kind: TripEventKind;
  plate: string;
  role: SimVehicle['role'];
  at: number;
  gate: string;
  detail?: string;
}

export interface CommunityStats {
  entries: number;
  denied: number;
  exits: number;
  manualExits: number;
  payments: number;
  paidFen: number;
  tailgates: number;
  misreads: number;
  missedReads: number;
  barrierFaults: number;
  powerCuts: number;
}

export interface CommunityOptions {
  site: Site;
  profile?: CommunityProfile;
  clock: SimClock;
  brokerUrl: string;
  root?: string;
  logins: Logins;
  seed?: string | number;
  faults?: Partial<SimFaults>;
  /** A line per display message. */
  print?: (line: string) => void;
  /** Called with each day's plan before its first movement (register the day's visitors there). */
  beforeDay?: (plan: DayPlan, population: Population) => Promise<void>;
  /** Vehicles at home when the simulation starts drive in over this many simulated minutes. */
  warmUpMinutes?: number;
  sensorHeartbeatMinutes?: number;
  /** Simulated ms a driver waits for the gate. */
  decisionTimeoutMs?: number;
  /** Real ms a driver waits at least, whatever the speed. */
  minRealWaitMs?: number;
}

type Where = 'outside' | 'inside' | 'moving';

interface VehicleState {
  vehicle: SimVehicle;
  where: Where;
  space: SimSpaceSensor | null;
  zone: string | null;
  chain: Promise<void>;
}

class Stopped extends Error {}

/** One simulated community: its devices, its residents and guests, and their trips through the gates. */
export class SimCommunity extends EventEmitter {
  readonly site: Site;
  readonly profile: CommunityProfile;
  readonly population: Population;
  readonly faults: SimFaults;
  readonly stats: CommunityStats = {
    entries: 0,
    denied: 0,
    exits: 0,
    manualExits: 0,
    payments: 0,
    paidFen: 0,
    tailgates: 0,
    misreads: 0,
    missedReads: 0,
    barrierFaults: 0,
    powerCuts: 0,
  };
  devices!: SiteDevices;
  private readonly options: CommunityOptions;
  private readonly clock: SimClock;
  private readonly random: Random;
  private readonly vehicles = new Map<string, VehicleState>();
  private readonly parkedByZone = new Map<string, number>();
  private readonly cancels = new Set<() => void>();
  private stopped = false;
  private dayIndex = 0;

  constructor(options: CommunityOptions) {
    super();
    this.options = options;
    this.site = options.site;
    this.clock = options.clock;
    this.profile = options.profile ?? profileFor(options.site.id, options.site.households);
    this.faults = SimFaultsSchema.parse(options.faults ?? {});
    this.random = createRandom(`${options.seed ?? 'parking'}/${this.site.id}`);
    this.population = buildPopulation(this.profile, this.random.fork('population'));
    for (const zone of this.site.zones) this.parkedByZone.set(zone.id, 0);
  }

  /** Vehicles the simulation has inside the community now. */
  get inside(): number {
    let n = 0;
    for (const v of this.vehicles.values()) if (v.where === 'inside') n++;
    return n;
  }

  async start(): Promise<void> {
    this.devices = buildDevices({
      site: this.site,
      clock: this.clock,
      brokerUrl: this.options.brokerUrl,
      root: this.options.root,
      logins: this.options.logins,
      faults: this.faults,
      random: this.random.fork('devices'),
      print: this.options.print,
      heartbeatMs: (this.options.sensorHeartbeatMinutes ?? 10) * MINUTE,
    });
    for (const device of this.devices.all) device.on('deviceError', (err) => this.emit('deviceError', err));
    await this.devices.start();
    await Promise.all(this.devices.sensors.map((s) => s.set(false)));
    for (const sensor of this.devices.sensors)
      if (this.random.chance(this.faults.silentSensorShare)) sensor.silent = true;
    const now = this.clock.now();
    const { midnight, weekday } = localTime(now, this.site.timeZone);
    const plan = this.plan(midnight, weekday);
    await this.options.beforeDay?.(plan, this.population);
    this.warmUp(plan, now);
    this.schedulePlan(plan, now);
    this.scheduleDay(midnight + DAY_MS, plan.awayAtEnd);
    this.scheduleHourlyFaults();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    await this.devices?.stop();
  }

  private plan(dayStart: number, weekday: number, awayAtStart?: ReadonlySet<string>): DayPlan {
    const random = this.random.fork(`day-${this.dayIndex++}`);
    const weekend = weekday === 0 || weekday === 6;
    return planDay({ profile: this.profile, population: this.population, dayStart, weekend, random, awayAtStart });
  }

  private later(at: number, fn: () => void): void {
    const cancel = this.clock.at(at, () => {
      this.cancels.delete(cancel);
      fn();
    });
    this.cancels.add(cancel);
  }

  private scheduleDay(dayStart: number, awayAtStart: ReadonlySet<string>): void {
    this.later(dayStart - 5 * MINUTE, () => {
      const { weekday } = localTime(dayStart + HOUR_MS, this.site.timeZone);
      const plan = this.plan(dayStart, weekday, awayAtStart);
      const registered = this.options.beforeDay?.(plan, this.population) ?? Promise.resolve();
      registered.catch((err) => this.emit('deviceError', err));
      this.schedulePlan(plan, dayStart);
      this.scheduleDay(dayStart + DAY_MS, plan.awayAtEnd);
    });
  }

  private schedulePlan(plan: DayPlan, from: number): void {
    for (const m of plan.movements) if (m.at >= from) this.later(m.at, () => this.move(m));
  }

  /** Vehicles at home at `now` (by the plan) drive in first, earliest leavers first. */
  private warmUp(plan: DayPlan, now: number): void {
    const inside = new Map(this.population.residents.map((v) => [v.plate, v]));
    const firstLeave = new Map<string, number>();
    for (const m of plan.movements) {
      if (m.at < now) {
        if (m.action === 'enter') inside.set(m.vehicle.plate, m.vehicle);
        else inside.delete(m.vehicle.plate);
      } else if (m.action === 'leave' && !firstLeave.has(m.vehicle.plate)) firstLeave.set(m.vehicle.plate, m.at);
    }
    const order = [...inside.values()].sort(
      (a, b) =>
        (firstLeave.get(a.plate) ?? Number.MAX_SAFE_INTEGER) - (firstLeave.get(b.plate) ?? Number.MAX_SAFE_INTEGER),
    );
    const span = (this.options.warmUpMinutes ?? 15) * MINUTE;
    order.forEach((vehicle, i) => {
      const at = now + Math.floor((i * span) / Math.max(1, order.length));
      this.later(at, () => this.move({ at, action: 'enter', vehicle }));
    });
  }

  private stateOf(vehicle: SimVehicle): VehicleState {
    let state = this.vehicles.get(vehicle.plate);
    if (!state) {
      state = { vehicle, where: 'outside', space: null, zone: null, chain: Promise.resolve() };
      this.vehicles.set(vehicle.plate, state);
    }
    return state;
  }

  /** Start a movement now (scheduled ones come here too). */
  move(m: Movement): void {
    const state = this.stateOf(m.vehicle);
    state.chain = state.chain
      .then(() => (m.action === 'enter' ? this.enter(state) : this.leave(state)))
      .catch((err) => {
        if (!(err instanceof Stopped)) this.emit('deviceError', err);
      });
  }

  private async pause(simMs: number): Promise<void> {
    if (this.stopped) throw new Stopped();
    await this.clock.sleep(simMs);
    if (this.stopped) throw new Stopped();
  }

  private trip(kind: TripEventKind, vehicle: SimVehicle, rig: LaneRig, detail?: string): void {
    const event: TripEvent = {
      site: this.site.id,
      kind,
      plate: vehicle.plate,
      role: vehicle.role,
      at: this.clock.now(),
      gate: rig.gate.id,
      ...(detail ? { detail } : {}),
    };
    this.emit('trip', event);
  }

  private wait(rig: LaneRig): Promise<GateOutcome> {
    return rig.awaitOutcome(this.clock, {
      simTimeoutMs: this.options.decisionTimeoutMs ?? 90_000,
      minRealMs: this.options.minRealWaitMs ?? 3000,
    });
  }

  private async read(rig: LaneRig, vehicle: SimVehicle): Promise<void> {
    const read = await rig.camera.read(rig.lane, vehicle.plate, vehicle.colour);
    if (read.plate === '') this.stats.missedReads++;
    else if (read.plate !== vehicle.plate) this.stats.misreads++;
  }

  private async enter(state: VehicleState): Promise<void> {
    if (state.where !== 'outside') return;
    state.where = 'moving';
    const rig = this.random.pick(this.devices.entryLanes);
    const admitted = await rig.turn(() => this.entryPassage(rig, state.vehicle));
    state.where = admitted ? 'inside' : 'outside';
    if (admitted) await this.park(state, rig.zones);
  }

  private async entryPassage(rig: LaneRig, vehicle: SimVehicle): Promise<boolean> {
    if (this.stopped) throw new Stopped();
    await rig.loop('present');
    let outcome: GateOutcome = { kind: 'timeout' };
    // A driver not let in inches forward once so the camera reads again.
    for (let attempt = 0; attempt < 2 && outcome.kind === 'timeout'; attempt++) {
      const waiting = this.wait(rig);
      await this.read(rig, vehicle);
      outcome = await waiting;
    }
    if (outcome.kind !== 'open') {
      await rig.loop('clear');
      this.stats.denied++;
      this.trip('denied', vehicle, rig, outcome.kind === 'timeout' ? 'no answer' : outcome.lines.join(' '));
      return false;
    }
    await this.pause(3000);
    await rig.loop('passed');
    if (this.random.chance(this.faults.tailgateRate)) await this.tailgate(rig);
    rig.barrier.vehiclePassed();
    await rig.loop('clear');
    this.stats.entries++;
    this.trip('entered', vehicle, rig);
    return true;
  }

  /** A second car slips through behind, too close for the camera; it leaves later by the exit like anyone. */
  private async tailgate(rig: LaneRig): Promise<void> {
    const vehicle = newVehicle(
      this.random,
      this.population.taken,
      this.random.pick(this.profile.outsidePrefixes),
      'temporary',
      this.profile,
    );
    await this.pause(1500);
    await rig.loop('passed');
    this.stats.tailgates++;
    this.trip('tailgate', vehicle, rig);
    const state = this.stateOf(vehicle);
    state.where = 'inside';
    this.park(state, rig.zones).catch((err: unknown) => this.emit('deviceError', err));
    const leaveAt = this.clock.now() + Math.round(Math.max(0.2, this.random.exponential(1)) * HOUR_MS);
    this.later(leaveAt, () => this.move({ at: leaveAt, action: 'leave', vehicle }));
  }

  private async park(state: VehicleState, reachable: readonly string[] = []): Promise<void> {
    await this.pause((1 + this.random.next() * 3) * MINUTE);
    const inReach = this.site.zones.filter((z) => reachable.length === 0 || reachable.includes(z.id));
    const zones = inReach.length > 0 ? inReach : this.site.zones;
    const withRoom = zones.filter((z) => (this.parkedByZone.get(z.id) ?? 0) < z.capacity);
    const candidates = withRoom.length > 0 ? withRoom : zones;
    const total = candidates.reduce((sum, z) => sum + Math.max(1, z.capacity), 0);
    let r = this.random.next() * total;
    let zone = candidates[0]!;
    for (const z of candidates) {
      r -= Math.max(1, z.capacity);
      if (r <= 0) {
        zone = z;
        break;
      }
    }
    state.zone = zone.id;
    this.parkedByZone.set(zone.id, (this.parkedByZone.get(zone.id) ?? 0) + 1);
    const free = this.devices.sensorsOf(zone.id).filter((s) => !s.occupied);
    if (free.length === 0) return;
    const sensor = this.random.pick(free);
    state.space = sensor;
    await sensor.set(true);
    if (this.random.chance(this.faults.flapRate)) await sensor.flap(3 + this.random.int(0, 4));
  }

  private async leave(state: VehicleState): Promise<void> {
    if (state.where !== 'inside') return;
    state.where = 'moving';
    if (state.space) {
      const sensor = state.space;
      state.space = null;
      await sensor.set(false);
      if (this.random.chance(this.faults.flapRate)) await sensor.flap(3 + this.random.int(0, 4));
    }
    if (state.zone) this.parkedByZone.set(state.zone, Math.max(0, (this.parkedByZone.get(state.zone) ?? 0) - 1));
    state.zone = null;
    await this.pause((1 + this.random.next() * 2) * MINUTE);
    const rig = this.random.pick(this.devices.exitLanes);
    await rig.turn(() => this.exitPassage(rig, state.vehicle));
    state.where = 'outside';
  }

  private async exitPassage(rig: LaneRig, vehicle: SimVehicle): Promise<void> {
    if (this.stopped) throw new Stopped();
    await rig.loop('present');
    let waiting = this.wait(rig);
    await this.read(rig, vehicle);
    let failures = 0;
    let payments = 0;
    for (;;) {
      const outcome = await waiting;
      if (outcome.kind === 'open') break;
      if (outcome.kind === 'fee' && rig.pay && payments < 2) {
        await this.pause((15 + this.random.next() * 45) * 1000);
        waiting = this.wait(rig);
        await rig.pay.pay({ amountFen: outcome.fen, method: this.paymentMethod(), plate: vehicle.plate });
        payments++;
        this.stats.payments++;
        this.stats.paidFen += outcome.fen;
        this.trip('paid', vehicle, rig, `${(outcome.fen / 100).toFixed(2)}元`);
        continue;
      }
      failures++;
      if (failures > 2) {
        // Staff at the booth lift the arm by hand.
        await rig.barrier.manualOpen();
        this.stats.manualExits++;
        this.trip('manualExit', vehicle, rig, outcome.kind);
        break;
      }
      await this.pause(20_000);
      waiting = this.wait(rig);
      await this.read(rig, vehicle);
    }
    await this.pause(3000);
    await rig.loop('passed');
    rig.barrier.vehiclePassed();
    await rig.loop('clear');
    this.stats.exits++;
    this.trip('exited', vehicle, rig);
  }

  private paymentMethod(): PaymentMethod {
    const r = this.random.next();
    return r < 0.55 ? 'wechat' : r < 0.9 ? 'alipay' : r < 0.95 ? 'unionpay' : 'cash';
  }

  private scheduleHourlyFaults(): void {
    const { barrierFaultPerHour, offlinePerHour } = this.faults;
    if (barrierFaultPerHour <= 0 && offlinePerHour <= 0) return;
    const tick = () => {
      for (const barrier of this.devices.barriers) {
        if (barrier.isFaulty || !this.random.chance(barrierFaultPerHour)) continue;
        this.stats.barrierFaults++;
        barrier.setFault(true).catch((err: unknown) => this.emit('deviceError', err));
        this.later(this.clock.now() + (5 + this.random.next() * 15) * MINUTE, () => {
          barrier.setFault(false).catch((err: unknown) => this.emit('deviceError', err));
        });
      }
      for (const device of this.devices.all) {
        if (!device.connected || !this.random.chance(offlinePerHour)) continue;
        this.stats.powerCuts++;
        device.kill();
        this.later(this.clock.now() + (2 + this.random.next() * 8) * MINUTE, () => {
          device.start().catch((err) => this.emit('deviceError', err));
        });
      }
      this.later(this.clock.now() + HOUR_MS, tick);
    };
    this.later(this.clock.now() + HOUR_MS, tick);
  }
}
