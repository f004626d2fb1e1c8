import { eventTime } from '../domain/gate/gate-rules.ts';
import { DeviceClock } from '../domain/gate/read-timing.ts';
import type { Site } from '../domain/site.ts';
import type { PlatePayload } from '../protocol/index.ts';
import type { GateDeps } from './gate-ports.ts';
import { LaneOutcomes } from './lane-outcome.ts';
import { Lanes } from './lanes.ts';
import { type ManualOpenInput, ManualOpens } from './manual-open.ts';
import { OverstaySweep } from './overstay.ts';
import { type PaymentInput, type PaymentResult, Payments } from './payment.ts';
import { PlateReads } from './plate-read.ts';

export type { GateDeps, LaneRef, OccupancyPort, RegistryPort } from './gate-ports.ts';
export { MAX_CLOCK_SKEW_MS, STALE_READ_MS } from './gate-ports.ts';
export type { ManualOpenInput } from './manual-open.ts';
export type { PaymentInput, PaymentResult } from './payment.ts';

/**
 * The gate's use cases behind one door for the adapters (device dispatch, HTTP): plate reads, payments, manual opens,
 * the overstay sweep. Each use case is its own module on the ports it needs; all lane outcomes go through
 * `LaneOutcomes`. This facade only builds and delegates; no use case calls back into it.
 */
export class GateService {
  private readonly lanes: Lanes;
  private readonly plateReads: PlateReads;
  private readonly payments: Payments;
  private readonly manualOpens: ManualOpens;
  private readonly overstays: OverstaySweep;
  /** What each device's recent messages say about its clock, by `site/device`. */
  private readonly clocks = new Map<string, DeviceClock>();

  constructor(private readonly deps: GateDeps) {
    const lanes = new Lanes(deps.config.sites);
    const outcomes = new LaneOutcomes({ ...deps, lanes });
    const common = { ledger: deps.ledger, lanes, outcomes, metrics: deps.metrics };
    this.lanes = lanes;
    this.plateReads = new PlateReads({
      ...common,
      registry: deps.registry,
      fees: deps.fees,
      occupancy: deps.occupancy,
      log: deps.log,
      clock: deps.clock,
      newId: deps.newId,
      observeClock: (site, device, ts, receivedAt) => this.observeClock(site, device, ts, receivedAt),
    });
    this.payments = new Payments({ ...common, fees: deps.fees, bus: deps.bus });
    this.manualOpens = new ManualOpens({
      ...common,
      fees: deps.fees,
      clock: deps.clock,
      bus: deps.bus,
      newId: deps.newId,
    });
    this.overstays = new OverstaySweep(common);
  }

  site(id: string): Site | undefined {
    return this.lanes.site(id);
  }

  /** The instant an event happened: the device's time when its clock is sane, else the time we received it. */
  eventTime(ts: number, receivedAt: number, site: string): number {
    const { at, skewed } = eventTime(ts, receivedAt);
    if (skewed) this.deps.metrics.inc('gateway_clock_skew_total', { site });
    return at;
  }

  /**
   * Takes a device message as evidence of the device's clock (cameras: reads, loops, status) and returns the clock
   * estimate, ms ahead of the gateway, this message included (`DeviceClock`).
   */
  observeClock(site: string, device: string, ts: number, receivedAt: number): number {
    const key = `${site}/${device}`;
    let clock = this.clocks.get(key);
    if (!clock) {
      clock = new DeviceClock();
      this.clocks.set(key, clock);
    }
    clock.observe(ts, receivedAt);
    return clock.offset(receivedAt) ?? ts - receivedAt;
  }

  /** A camera read at a lane. */
  onPlate(read: { site: string; gate: string; payload: PlatePayload; receivedAt: number }): Promise<void> {
    return this.plateReads.onPlate(read);
  }

  /** A payment from a pay terminal (MQTT), an online callback or staff; opens a lane that waits for it. */
  onPayment(request: {
    site: string;
    payment: PaymentInput;
    at: number;
    claim?: { deviceId: string; eventId: string; digest: string } | undefined;
  }): Promise<PaymentResult> {
    return this.payments.apply(request);
  }

  /** Staff open a barrier by hand: identity and reason are required and audited. */
  manualOpen(input: ManualOpenInput): ReturnType<ManualOpens['open']> {
    return this.manualOpens.open(input);
  }

  /** Flags each visitor still inside past their window (once per stay), for staff. */
  flagOverstays(at: number): number {
    return this.overstays.run(at);
  }
}
