import type { MqttClient } from 'mqtt';
import type { LiveEvent } from '../../gateway/src/app/event-bus.ts';
import type { Reading } from './csv-indicators.ts';
import { laneDevices, type ReplayCommunity } from './replay-community.ts';

const MINUTE_MS = 60_000;

export interface ParkPlan {
  site: string;
  capacity: number;
  readings: Reading[];
}

export interface SiteTally {
  entries: number;
  exits: number;
  /** Entries made by registered residents because the car park was full (temporary cars are refused then). */
  residentEntries: number;
  /** Minutes at which a snapshot of the site was recorded. */
  snapshots: number;
  /** `open` commands the site's entry and exit barriers received over MQTT. */
  barrierOpens: { entry: number; exit: number };
}

interface SiteState {
  plan: ParkPlan;
  devices: ReturnType<typeof laneDevices>;
  cameras: { entry: MqttClient; exit: MqttClient };
  /** Plates inside, oldest first; the oldest car leaves first. */
  inside: string[];
  residentsOutside: string[];
  residents: number;
  temporaries: number;
  events: number;
  lastReadingAt: number | null;
  tally: SiteTally;
}

/**
 * Replays readings as gate traffic. For each reading (all sites in time order) the clock is set to the reading's
 * time and the entries or exits that take the count to the reading are published as plate reads by the site's
 * cameras; the next reading waits until the gateway has decided every one. Between readings the clock walks the
 * minute marks and the gateway records a snapshot of each site whose feed is live (a reading less than `liveMs` ago).
 */
export class GateReplay {
  private readonly sites = new Map<string, SiteState>();
  private decided = new Map<string, number>();
  private waiting: { site: string; count: number; done: () => void } | null = null;
  private barriersDone: (() => void) | null = null;

  constructor(
    private readonly community: ReplayCommunity,
    private readonly plans: ParkPlan[],
    private readonly liveMs: number,
  ) {}

  async run(): Promise<Map<string, SiteTally>> {
    for (const plan of this.plans) {
      const devices = laneDevices(plan.site);
      const state: SiteState = {
        plan,
        devices,
        cameras: {
          entry: await this.community.device(devices.entryCamera),
          exit: await this.community.device(devices.exitCamera),
        },
        inside: [],
        residentsOutside: [],
        residents: 0,
        temporaries: 0,
        events: 0,
        lastReadingAt: null,
        tally: { entries: 0, exits: 0, residentEntries: 0, snapshots: 0, barrierOpens: { entry: 0, exit: 0 } },
      };
      this.sites.set(plan.site, state);
      await this.watchBarrier(state, 'entry', devices.entryBarrier);
      await this.watchBarrier(state, 'exit', devices.exitBarrier);
    }
    const unsubscribe = this.community.gateway.gateway.bus.subscribe((event) => this.onEvent(event));
    try {
      const timeline = this.plans
        .flatMap((plan) => plan.readings.map((reading) => ({ site: plan.site, reading })))
        .sort((a, b) => a.reading.at - b.reading.at);
      const first = timeline[0];
      if (!first) return new Map();
      let minute = Math.ceil(first.reading.at / MINUTE_MS) * MINUTE_MS;
      for (const { site, reading } of timeline) {
        for (; minute < reading.at; minute += MINUTE_MS) this.snapshot(minute);
        await this.apply(site, reading);
      }
      const lastLive = Math.max(...[...this.sites.values()].map((s) => (s.lastReadingAt ?? 0) + this.liveMs));
      for (; minute < lastLive; minute += MINUTE_MS) this.snapshot(minute);
      // Commands go out before the decision is final; the last ones may still be on their way to the barriers.
      await new Promise<void>((resolve) => {
        this.barriersDone = resolve;
        this.checkBarriers();
      });
    } finally {
      unsubscribe();
    }
    return new Map([...this.sites].map(([id, s]) => [id, s.tally]));
  }

  private snapshot(minute: number): void {
    const live = [...this.sites.values()].filter(
      (s) => s.lastReadingAt !== null && minute - s.lastReadingAt < this.liveMs,
    );
    if (live.length === 0) return;
    this.community.clock.set(minute);
    this.community.gateway.gateway.recordSnapshots(
      minute,
      live.map((s) => s.plan.site),
    );
    for (const s of live) s.tally.snapshots++;
  }

  private async apply(site: string, reading: Reading): Promise<void> {
    const s = this.sites.get(site) as SiteState;
    this.community.clock.set(reading.at);
    s.lastReadingAt = reading.at;
    const delta = reading.occupancy - s.inside.length;
    if (delta === 0) return;
    const decided = this.decisions(site, Math.abs(delta));
    const sends: Promise<unknown>[] = [];
    for (let k = 0; k < Math.abs(delta); k++)
      sends.push(delta > 0 ? this.enter(s, reading.at) : this.leave(s, reading.at));
    await Promise.all(sends);
    await decided;
  }

  private enter(s: SiteState, at: number): Promise<unknown> {
    let plate: string;
    if (s.inside.length < s.plan.capacity) {
      plate = `苏E${String(++s.temporaries).padStart(5, '0')}`;
    } else {
      plate = s.residentsOutside.shift() ?? this.newResident(s);
      s.tally.residentEntries++;
    }
    s.inside.push(plate);
    s.tally.entries++;
    return this.publish(s, 'entry', plate, at);
  }

  private leave(s: SiteState, at: number): Promise<unknown> {
    const plate = s.inside.shift() as string;
    if (plate.startsWith('京A')) s.residentsOutside.push(plate);
    s.tally.exits++;
    return this.publish(s, 'exit', plate, at);
  }

  /** A resident of the car park (registered as staff would through the registry) who may park when it is full. */
  private newResident(s: SiteState): string {
    const n = ++s.residents;
    const plate = `京A${String(n).padStart(5, '0')}`;
    const registry = this.community.gateway.gateway.registry;
    const household = `H${n}`;
    const put = registry.households.put({ site: s.plan.site, id: household, room: `${n}号` });
    if (!put.ok) throw new Error(`household not registered: ${JSON.stringify(put)}`);
    const vehicle = registry.vehicles.put({ site: s.plan.site, plate, household });
    if (!vehicle.ok) throw new Error(`vehicle not registered: ${JSON.stringify(vehicle)}`);
    return plate;
  }

  private publish(s: SiteState, lane: 'entry' | 'exit', plate: string, at: number): Promise<unknown> {
    const deviceId = lane === 'entry' ? s.devices.entryCamera : s.devices.exitCamera;
    const payload = {
      eventId: `r${++s.events}`,
      ts: at,
      deviceId,
      lane,
      plate,
      colour: 'blue',
      confidence: 0.98,
      cameraId: deviceId,
    };
    return s.cameras[lane].publishAsync(`parking/${s.plan.site}/gate/gate/plate`, JSON.stringify(payload), { qos: 1 });
  }

  private async watchBarrier(s: SiteState, lane: 'entry' | 'exit', device: string): Promise<void> {
    const barrier = await this.community.device(device);
    barrier.on('message', (_topic, payload) => {
      const command = JSON.parse(payload.toString()) as { action?: string; lane?: string };
      if (command.action !== 'open' || command.lane !== lane) return;
      s.tally.barrierOpens[lane]++;
      this.checkBarriers();
    });
    await barrier.subscribeAsync(`parking/${s.plan.site}/gate/gate/barrier/command`, { qos: 1 });
  }

  private checkBarriers(): void {
    const all = [...this.sites.values()].every(
      (s) => s.tally.barrierOpens.entry === s.tally.entries && s.tally.barrierOpens.exit === s.tally.exits,
    );
    if (all && this.barriersDone) {
      this.barriersDone();
      this.barriersDone = null;
    }
  }

  /** Resolves once the gateway has emitted `count` more decisions for the site (after applying their passages). */
  private decisions(site: string, count: number): Promise<void> {
    this.decided.set(site, 0);
    return new Promise((resolve) => {
      this.waiting = { site, count, done: resolve };
    });
  }

  private onEvent(event: LiveEvent): void {
    if (event.type !== 'decision') return;
    const n = (this.decided.get(event.site) ?? 0) + 1;
    this.decided.set(event.site, n);
    const w = this.waiting;
    if (w && w.site === event.site && n >= w.count) {
      this.waiting = null;
      w.done();
    }
  }
}
