import { SimDevice, type SimDeviceOptions } from './sim-device.ts';

export interface SpaceSensorOptions extends SimDeviceOptions {
  space: string;
  /** Simulated ms between heartbeats (the state sent again); 0 = none. */
  heartbeatMs?: number;
}

/** A space sensor (地磁): occupied/free with battery and signal, heartbeats; flapping and silence on demand. */
export class SimSpaceSensor extends SimDevice {
  readonly kind = 'spaceSensor' as const;
  readonly space: string;
  occupied = false;
  /** A silent sensor stays connected but sends nothing (dead radio, buried under snow). */
  silent = false;
  private batteryLevel: number;
  private readonly heartbeatMs: number;
  private cancelHeartbeat: (() => void) | null = null;

  constructor(options: SpaceSensorOptions) {
    super(options);
    this.space = options.space;
    this.heartbeatMs = options.heartbeatMs ?? 0;
    this.batteryLevel = options.battery ?? 60 + this.random.int(0, 40);
  }

  get battery(): number {
    return this.batteryLevel;
  }

  override async start(): Promise<void> {
    await super.start();
    this.scheduleHeartbeat();
  }

  private scheduleHeartbeat(): void {
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = null;
    if (this.heartbeatMs <= 0) return;
    const jitter = this.heartbeatMs * (0.9 + this.random.next() * 0.2);
    this.cancelHeartbeat = this.clock.after(jitter, () => {
      this.background('heartbeat', this.sendCurrent());
      this.scheduleHeartbeat();
    });
  }

  /** The space became occupied or free. */
  async set(occupied: boolean): Promise<boolean> {
    this.occupied = occupied;
    return this.sendCurrent();
  }

  /** Flap: `count` quick alternating reports, ending on the true state. */
  async flap(count: number): Promise<void> {
    const truth = this.occupied;
    for (let i = 0; i < count; i++) await this.sendState(i % 2 === 0 ? !truth : truth);
    if (count % 2 === 1) await this.sendState(truth);
  }

  private sendCurrent(): Promise<boolean> {
    return this.sendState(this.occupied);
  }

  private async sendState(occupied: boolean): Promise<boolean> {
    if (this.silent) return false;
    this.batteryLevel = Math.max(0, this.batteryLevel - 0.01);
    const payload = {
      eventId: this.nextEventId(),
      ts: this.clock.now(),
      deviceId: this.deviceId,
      occupied,
      battery: Math.round(this.batteryLevel),
      signal: Math.round(-70 - this.random.next() * 35),
    };
    return this.publishEvent(this.topics.build.spaceState({ site: this.site, space: this.space }), payload);
  }

  override async stop(): Promise<void> {
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = null;
    await super.stop();
  }
}
