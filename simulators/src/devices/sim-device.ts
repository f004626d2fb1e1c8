import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import { type DeviceKind, type Topics, topicsFor } from '../../../gateway/src/protocol/index.ts';
import { createRandom, type Random } from '../random.ts';
import type { TimedClock } from '../sim-clock.ts';

/** What a device needs to log in: its broker user (the client id is the username plus a suffix). */
export interface DeviceLogin {
  username: string;
  password: string;
}

/** Delivery faults a device can be told to commit on its events. */
export interface PublishFaults {
  /** Share of events published twice with the same eventId. */
  duplicateRate?: number;
  /** Share of events held back and published after the next one. */
  outOfOrderRate?: number;
}

export interface SimDeviceOptions {
  brokerUrl: string;
  login: DeviceLogin;
  site: string;
  deviceId: string;
  clock: TimedClock;
  root?: string;
  firmware?: string;
  battery?: number;
  faults?: PublishFaults;
  random?: Random;
  /** Distinguishes event ids of this run from an earlier run of the same device. */
  bootId?: string;
  /** Real ms an out-of-order event is held at most before it is sent anyway. */
  holdMs?: number;
}

export interface PublishedEvent {
  topic: string;
  payload: Record<string, unknown>;
}

/** One simulated device: its own MQTT client, retained online status, a will that says offline, unique event ids. */
export abstract class SimDevice extends EventEmitter {
  abstract readonly kind: DeviceKind;
  readonly site: string;
  readonly deviceId: string;
  readonly topics: Topics;
  protected readonly clock: TimedClock;
  protected readonly random: Random;
  protected client: MqttClient | null = null;
  private readonly options: SimDeviceOptions;
  private sequence = 0;
  private held: { event: PublishedEvent; timer: ReturnType<typeof setTimeout> } | null = null;
  private readonly bootId: string;
  /** Every event this device published, in publish order (duplicates included), for tests and counters. */
  readonly sent: PublishedEvent[] = [];
  keepSent = false;

  constructor(options: SimDeviceOptions) {
    super();
    this.options = options;
    this.site = options.site;
    this.deviceId = options.deviceId;
    this.clock = options.clock;
    this.topics = topicsFor(options.root);
    this.random = options.random ?? createRandom(options.deviceId);
    this.bootId = options.bootId ?? options.clock.now().toString(36);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get faults(): PublishFaults {
    return this.options.faults ?? {};
  }

  setFaults(faults: PublishFaults): void {
    this.options.faults = faults;
  }

  protected statusPayload(online: boolean): Record<string, unknown> {
    const payload: Record<string, unknown> = {
      eventId: this.nextEventId(),
      ts: this.clock.now(),
      deviceId: this.deviceId,
      kind: this.kind,
      online,
      firmware: this.options.firmware ?? 'sim-1.0',
    };
    if (this.options.battery !== undefined) payload.battery = this.options.battery;
    return payload;
  }

  /**
   * Runs `work` without waiting for it, where nothing can wait (a timer, a broker callback): its failure is reported
   * as a `deviceError` naming what was being done, never left as an unhandled rejection.
   */
  protected background(what: string, work: Promise<unknown>): void {
    work.catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      this.emit('deviceError', new Error(`${this.deviceId}: ${what} failed: ${reason}`, { cause: err }));
    });
  }

  /** Connect, then publish the retained online status. */
  async start(): Promise<void> {
    const statusTopic = this.topics.build.deviceStatus({ site: this.site, device: this.deviceId });
    const client = await mqtt.connectAsync(this.options.brokerUrl, {
      clientId: `${this.options.login.username}-${this.random.next().toString(36).slice(2, 8)}`,
      username: this.options.login.username,
      password: this.options.login.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: {
        topic: statusTopic,
        payload: Buffer.from(JSON.stringify(this.statusPayload(false))),
        qos: 1,
        retain: true,
      },
    });
    this.client = client;
    client.on('error', (err) => this.emit('deviceError', err));
    await this.onConnected(client);
    await client.publishAsync(statusTopic, JSON.stringify(this.statusPayload(true)), { qos: 1, retain: true });
  }

  /** Subscriptions and handlers of the device kind. */
  protected async onConnected(_client: MqttClient): Promise<void> {}

  nextEventId(): string {
    this.sequence++;
    return `${this.deviceId}-${this.bootId}-${String(this.sequence).padStart(6, '0')}`;
  }

  /** Publish a device event (QoS 1), committing the configured delivery faults; false when it could not be sent. */
  protected async publishEvent(topic: string, payload: Record<string, unknown>): Promise<boolean> {
    const event = { topic, payload };
    const { duplicateRate = 0, outOfOrderRate = 0 } = this.faults;
    if (this.held === null && outOfOrderRate > 0 && this.random.chance(outOfOrderRate)) {
      const timer = setTimeout(
        function releaseHeld(this: SimDevice) {
          this.background('sending a held event', this.flushHeld());
        }.bind(this),
        this.options.holdMs ?? 2000,
      );
      this.held = { event, timer };
      return true;
    }
    const sent = await this.deliver(event);
    if (duplicateRate > 0 && this.random.chance(duplicateRate)) await this.deliver(event);
    await this.flushHeld();
    return sent;
  }

  private async flushHeld(): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = null;
    clearTimeout(held.timer);
    await this.deliver(held.event);
  }

  private async deliver(event: PublishedEvent): Promise<boolean> {
    const client = this.client;
    if (!client || client.disconnecting) return false;
    if (this.keepSent) this.sent.push(event);
    this.emit('sent', event);
    try {
      await client.publishAsync(event.topic, JSON.stringify(event.payload), { qos: 1 });
      return true;
    } catch (err) {
      this.emit('deviceError', err);
      return false;
    }
  }

  /** The socket dies without DISCONNECT (power cut): the broker publishes the will. */
  kill(): void {
    const client = this.client;
    if (!client) return;
    this.client = null;
    this.discardHeld();
    client.options.reconnectPeriod = 0;
    client.stream?.destroy();
    client.end(true);
  }

  /** Clean stop: say offline (a clean DISCONNECT suppresses the will), then disconnect. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.discardHeld();
    this.client = null;
    if (client.connected) {
      const statusTopic = this.topics.build.deviceStatus({ site: this.site, device: this.deviceId });
      await within(
        1000,
        client.publishAsync(statusTopic, JSON.stringify(this.statusPayload(false)), { qos: 1, retain: true }),
      );
      await within(1000, client.endAsync());
    }
    client.end(true);
  }

  private discardHeld(): void {
    if (this.held) clearTimeout(this.held.timer);
    this.held = null;
  }
}

/** Wait for `promise` at most `ms` real ms; failures and timeouts both just return. */
export async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(noop, noop), timeout]);
  clearTimeout(timer);
}

function noop(): void {}
