import mqtt, { type MqttClient } from 'mqtt';
import type { SensorRef } from './layout.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Space sensors as the broker sees them: one MQTT connection per sensor, QoS 1 space-state events with unique ids.
 * Lighter than the simulators' `runLoad` (no simulated clock, battery or heartbeat per sensor), so one process can
 * drive thousands of events per second; `publishers` lets a few connections speak for every space where the broker
 * does not check identities (Mosquitto without auth).
 */
export interface FleetOptions {
  url: string;
  sensors: readonly SensorRef[];
  /** Credentials; without them the fleet connects anonymously. */
  password?: string | undefined;
  /** Connections; default one per sensor (each logs in as its sensor). Fewer: each speaks for a share of spaces. */
  publishers?: number;
  connectBatch?: number;
  /**
   * Share of events that change the space's state (default 0.02); the rest restate it, as heartbeats do. Sensors
   * that change state too often are flapping, and a flapping space is never offered as free.
   */
  changeShare?: number;
}

export interface FlowOptions {
  /** Events per second; Infinity for as many as the window allows. */
  rate: number;
  durationMs: number;
  /** Events the consumer has taken so far (polled). */
  consumed(): Promise<number>;
  /** Most events published and not yet consumed. */
  window: number;
  /** Ends the run early when it returns true (checked every tick). */
  stop?: () => boolean;
  /** Wait until the consumer has every event before returning (default true). */
  drain?: boolean;
}

export interface RunResult {
  published: number;
  acknowledged: number;
  elapsedMs: number;
  /** Largest number of events published and not yet consumed. */
  maxInFlight: number;
}

interface Channel {
  client: MqttClient;
  sensors: { ref: SensorRef; topic: string; occupied: boolean }[];
  next: number;
}

export class SensorFleet {
  private channels: Channel[] = [];
  private sequence = 0;
  private mix = 42;
  private readonly changeShare: number;
  private readonly runId = Date.now().toString(36);
  connectMs = 0;

  private constructor(private readonly options: FleetOptions) {
    this.changeShare = options.changeShare ?? 0.02;
  }

  static async connect(options: FleetOptions): Promise<SensorFleet> {
    const fleet = new SensorFleet(options);
    await fleet.open();
    return fleet;
  }

  get connections(): number {
    return this.channels.length;
  }

  private async open(): Promise<void> {
    const { sensors } = this.options;
    const count = Math.min(this.options.publishers ?? sensors.length, sensors.length);
    const groups: Channel['sensors'][] = Array.from({ length: count }, () => []);
    sensors.forEach((ref, i) => {
      groups[i % count]!.push({ ref, topic: `parking/${ref.site}/space/${ref.space}/state`, occupied: i % 3 === 0 });
    });
    const started = performance.now();
    const batch = this.options.connectBatch ?? 100;
    for (let i = 0; i < count; i += batch) {
      const opened = await Promise.all(
        groups.slice(i, i + batch).map(async (group, k) => {
          const first = group[0]!.ref.device;
          const username = this.options.password === undefined ? undefined : first;
          const client = await mqtt.connectAsync(this.options.url, {
            clientId: username ?? (count === sensors.length ? first : `bench-pub-${i + k}`),
            username,
            password: this.options.password,
            reconnectPeriod: 0,
            protocolVersion: 4,
            keepalive: 120,
          });
          return { client, sensors: group, next: 0 };
        }),
      );
      this.channels.push(...opened);
    }
    this.connectMs = performance.now() - started;
  }

  private emit(channel: Channel, done: () => void): void {
    const sensor = channel.sensors[channel.next]!;
    channel.next = (channel.next + 1) % channel.sensors.length;
    // a deterministic sequence, so every run sends the same mix
    this.mix = (this.mix * 1103515245 + 12345) % 2147483648;
    if (this.mix / 2147483648 < this.changeShare) sensor.occupied = !sensor.occupied;
    const payload =
      `{"eventId":"${this.runId}-${++this.sequence}","ts":${Date.now()},"deviceId":"${sensor.ref.device}",` +
      `"occupied":${sensor.occupied},"battery":87,"signal":-81}`;
    channel.client.publish(sensor.topic, payload, { qos: 1 }, done);
  }

  /**
   * Publishes `rate` events per second (Infinity: as fast as allowed) in turn over all connections for `durationMs`,
   * never more than `window` ahead of what the consumer has counted. End-to-end flow control rather than PUBACKs:
   * aedes acknowledges a QoS 1 publish before delivering it, so PUBACKs alone let its queue grow without bound.
   */
  async run(options: FlowOptions): Promise<RunResult> {
    const { rate, durationMs, consumed, window } = options;
    let published = 0;
    let acknowledged = 0;
    let maxInFlight = 0;
    let channel = 0;
    let seen = await consumed();
    const base = seen;
    let polling = false;
    let polledAt = 0;
    const started = performance.now();
    const onAck = () => {
      acknowledged++;
    };
    const poll = () => {
      if (polling || performance.now() - polledAt < 20) return;
      polling = true;
      polledAt = performance.now();
      consumed().then(
        (n) => {
          seen = n;
          polling = false;
        },
        () => {
          polling = false;
        },
      );
    };
    await new Promise<void>((resolveDone) => {
      const publishDue = () => {
        const elapsed = performance.now() - started;
        const due = Number.isFinite(rate) ? Math.floor((elapsed * rate) / 1000) : Number.MAX_SAFE_INTEGER;
        const limit = Math.min(due, seen - base + window);
        while (published < limit) {
          this.emit(this.channels[channel]!, onAck);
          channel = (channel + 1) % this.channels.length;
          published++;
        }
        maxInFlight = Math.max(maxInFlight, published - (seen - base));
        poll();
        if (elapsed >= durationMs || options.stop?.()) {
          clearInterval(timer);
          resolveDone();
        }
      };
      const timer = setInterval(publishDue, 2);
    });
    const elapsedMs = performance.now() - started;
    // drain: the consumer has everything before the next phase starts
    const deadline = performance.now() + (options.drain === false ? 0 : 30_000);
    while (performance.now() < deadline && (await consumed()) - base < published) await sleep(20);
    return { published, acknowledged, elapsedMs, maxInFlight };
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.client.endAsync(true)));
    this.channels = [];
  }
}
