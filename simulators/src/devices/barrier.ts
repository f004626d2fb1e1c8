import type { MqttClient } from 'mqtt';
import { BarrierCommandPayload, type BarrierStatePayload, type Lane } from '../../../gateway/src/protocol/index.ts';
import { SimDevice, type SimDeviceOptions } from './sim-device.ts';

type BarrierState = BarrierStatePayload['state'];
type BarrierCause = BarrierStatePayload['cause'];

export interface BarrierOptions extends SimDeviceOptions {
  gate: string;
  lane: Lane;
  /** Simulated ms the arm takes to move. */
  moveMs?: number;
  /** Simulated ms the arm stays open when no vehicle passes. */
  autoCloseMs?: number;
  /** Simulated ms after a vehicle passed before the arm comes down. */
  closeAfterPassMs?: number;
}

export interface BarrierChange {
  state: BarrierState;
  cause: BarrierCause;
  commandId: string | null;
}

/** A barrier arm of one lane: obeys `barrier/command`, reports `barrier/state`; faults on demand. */
export class SimBarrier extends SimDevice {
  readonly kind = 'barrier' as const;
  readonly gate: string;
  readonly lane: Lane;
  state: BarrierState = 'closed';
  private faulty = false;
  private holdOpen = false;
  private manualPending = false;
  private cancelClose: (() => void) | null = null;
  private readonly moveMs: number;
  private readonly autoCloseMs: number;
  private readonly closeAfterPassMs: number;
  /** Commands for this lane received, in order. */
  readonly commands: BarrierCommandPayload[] = [];

  constructor(options: BarrierOptions) {
    super(options);
    this.gate = options.gate;
    this.lane = options.lane;
    this.moveMs = options.moveMs ?? 1500;
    this.autoCloseMs = options.autoCloseMs ?? 60_000;
    this.closeAfterPassMs = options.closeAfterPassMs ?? 2000;
  }

  protected override async onConnected(client: MqttClient): Promise<void> {
    const topic = this.topics.build.barrierCommand({ site: this.site, gate: this.gate });
    client.on('message', (received, payload) => {
      if (received === topic) this.onCommand(payload);
    });
    const granted = await client.subscribeAsync(topic, { qos: 1 });
    if (granted.some((g) => g.qos === 128)) throw new Error(`${this.deviceId}: subscription to ${topic} refused`);
  }

  private onCommand(raw: Buffer): void {
    let parsed: ReturnType<typeof BarrierCommandPayload.safeParse>;
    try {
      parsed = BarrierCommandPayload.safeParse(JSON.parse(raw.toString('utf8')));
    } catch {
      return;
    }
    if (!parsed.success || parsed.data.lane !== this.lane) return;
    const command = parsed.data;
    this.commands.push(command);
    this.emit('command', command);
    if (this.faulty) return;
    if (command.action === 'close') {
      this.holdOpen = false;
      this.moveTo('closed', 'command', command.commandId);
    } else {
      this.holdOpen = command.action === 'hold-open';
      this.moveTo('opened', 'command', command.commandId);
    }
  }

  private moveTo(state: 'opened' | 'closed', cause: BarrierCause, commandId: string | null): void {
    this.cancelClose?.();
    this.cancelClose = null;
    const arrive = () => {
      if (this.faulty) return;
      this.state = state;
      this.background(`reporting ${state}`, this.report(state, cause, commandId));
      if (state === 'opened' && !this.holdOpen) this.scheduleClose(this.autoCloseMs);
    };
    if (this.state === state) arrive();
    else this.cancelClose = this.clock.after(this.moveMs, arrive);
  }

  private scheduleClose(simMs: number): void {
    this.cancelClose?.();
    const close = () => {
      this.cancelClose = null;
      if (this.state !== 'opened') return;
      const manual = this.manualPending;
      this.manualPending = false;
      // A broken arm lifted by hand is put down by hand and is still broken.
      this.state = this.faulty ? 'fault' : 'closed';
      this.background('reporting closed', this.report('closed', manual ? 'manual' : 'auto', null));
    };
    this.cancelClose = this.clock.after(simMs, close);
  }

  /** Staff lift the arm by hand (also when it is broken); it comes down after the vehicle. */
  async manualOpen(): Promise<void> {
    this.cancelClose?.();
    this.cancelClose = null;
    this.state = 'opened';
    this.manualPending = true;
    await this.report('opened', 'manual', null);
    this.scheduleClose(this.autoCloseMs);
  }

  /** A vehicle cleared the arm: it comes down shortly (unless held open). */
  vehiclePassed(): void {
    if (this.state === 'opened' && !this.holdOpen) this.scheduleClose(this.closeAfterPassMs);
  }

  /** Break (or mend) the barrier: it reports `fault` and ignores commands until mended. */
  async setFault(faulty: boolean): Promise<void> {
    this.faulty = faulty;
    this.cancelClose?.();
    this.cancelClose = null;
    if (faulty) {
      this.state = 'fault';
      await this.report('fault', 'fault', null);
    } else {
      this.state = 'closed';
      await this.report('closed', 'manual', null);
    }
  }

  get isFaulty(): boolean {
    return this.faulty;
  }

  private async report(state: BarrierState, cause: BarrierCause, commandId: string | null): Promise<void> {
    const change: BarrierChange = { state, cause, commandId };
    this.emit('state', change);
    const payload = {
      eventId: this.nextEventId(),
      ts: this.clock.now(),
      deviceId: this.deviceId,
      lane: this.lane,
      state,
      cause,
      commandId,
    };
    await this.publishEvent(this.topics.build.barrierState({ site: this.site, gate: this.gate }), payload);
  }

  override async stop(): Promise<void> {
    this.cancelClose?.();
    this.cancelClose = null;
    await super.stop();
  }
}
