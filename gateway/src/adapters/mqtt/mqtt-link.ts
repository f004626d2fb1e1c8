import type { Writable } from 'node:stream';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import type { Logger } from '../../app/logger.ts';
import type { Publisher } from '../../app/ports.ts';
import { type ParsedMessage, parseMessage, type TopicKind, type Topics } from '../../protocol/index.ts';

export type { Publisher };

export interface MqttLinkOptions {
  url: string;
  /** The gate connection's client id; the telemetry connection adds `-telemetry` (the broker allows `username-…`). */
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  topics: Topics;
  /** Sites whose device topics this gateway subscribes to. */
  sites: string[];
  /** Applied before the broker gets its PUBACK, so a crash mid-handling means redelivery, not loss. */
  onMessage(message: ParsedMessage, receivedAt: number): void | Promise<void>;
  onRejected(topic: string, code: string, reason: string): void;
  now(): number;
  log: Logger;
  /** Reconnect back-off: starts here, doubles to the cap. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * Device traffic in two classes, each on its own connection (its own persistent session, TCP stream and broker
 * queue): what decides at a lane never waits behind a sensor backlog (#25).
 */
export const LINK_CLASSES = {
  gate: ['plate', 'barrierState', 'loop', 'payment'],
  telemetry: ['spaceState', 'deviceStatus'],
} as const satisfies Record<string, readonly TopicKind[]>;
export type LinkClass = keyof typeof LINK_CLASSES;

/** A connection is draining a backlog while the messages it handles were sent this long ago (median of the last). */
export const DRAINING_LAG_MS = 10_000;
const LAG_SAMPLES = 64;
/** Lag samples older than this say nothing about now. */
const LAG_FRESH_MS = 15_000;

export interface LinkStatus {
  connected: boolean;
  received: number;
  /** Median of (arrival − device time) of the recent messages, or null when there were none lately. */
  lagMs: number | null;
  draining: boolean;
}

/** One MQTT connection of the gateway: persistent QoS 1 session, ordered handling, back-off reconnect. */
class LinkConnection {
  private client: MqttClient | null = null;
  connected = false;
  received = 0;
  private stopping = false;
  private readonly lags: number[] = [];
  private lagAt = 0;

  constructor(
    private readonly opts: MqttLinkOptions,
    readonly cls: LinkClass,
    private readonly clientId: string,
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  get mqtt(): MqttClient | null {
    return this.client;
  }

  async start(): Promise<void> {
    const options: IClientOptions = {
      clientId: this.clientId,
      username: this.opts.username,
      password: this.opts.password,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: this.minMs,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: true,
    };
    const client = mqtt.connect(this.opts.url, options);
    this.client = client;
    const log = { link: this.cls };
    client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      this.batchAcks(client);
      this.handle(packet).then(
        () => done(),
        (err: Error & { unacknowledged?: boolean }) => {
          this.opts.log.error({ ...log, err: err.message, topic: packet.topic }, 'message handler failed');
          // mqtt.js sends no PUBACK when `done` gets an error; the broker resends the event after a reconnect.
          done(err.unacknowledged ? err : undefined);
        },
      );
    };
    client.on('connect', (connack) => {
      this.connected = true;
      client.options.reconnectPeriod = this.minMs;
      this.opts.log.info({ ...log, url: this.opts.url, sessionPresent: connack.sessionPresent }, 'mqtt connected');
      if (!connack.sessionPresent)
        this.subscribe().catch((err: Error) => this.opts.log.error({ ...log, err: err.message }, 'subscribe failed'));
    });
    client.on('close', () => {
      if (this.connected && !this.stopping) this.opts.log.warn(log, 'mqtt connection closed');
      this.connected = false;
      const next = Math.min(this.maxMs, (client.options.reconnectPeriod ?? this.minMs) * 2);
      client.options.reconnectPeriod = next;
    });
    client.on('error', (err) => this.opts.log.warn({ ...log, err: err.message }, 'mqtt error'));
    await new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        if ((err as { code?: number }).code === 5 || (err as { code?: number }).code === 4) {
          client.off('connect', onConnect);
          client.end(true);
          reject(new Error(`MQTT broker refused the gateway's credentials: ${err.message}`));
        }
      };
      client.once('connect', onConnect);
      client.on('error', onError);
    });
    await this.subscribe();
  }

  /** Subscribes this class's topics, and drops the other class's (a session from before the split had them all). */
  private async subscribe(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const filters: Record<string, { qos: 1 }> = {};
    const others: string[] = [];
    for (const site of this.opts.sites) {
      for (const [cls, kinds] of Object.entries(LINK_CLASSES)) {
        for (const kind of kinds) {
          const filter = this.opts.topics.filter(kind, { site });
          if (cls === this.cls) filters[filter] = { qos: 1 };
          else others.push(filter);
        }
      }
    }
    const granted = await client.subscribeAsync(filters);
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length > 0)
      this.opts.log.error({ link: this.cls, refused: refused.map((g) => g.topic) }, 'broker refused subscriptions');
    await client.unsubscribeAsync(others);
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    this.received++;
    const receivedAt = this.opts.now();
    const parsed = parseMessage(packet.topic, packet.payload as Buffer, { root: this.opts.topics.root });
    if (!parsed.ok) {
      this.opts.onRejected(packet.topic, parsed.code, parsed.reason);
      return;
    }
    // A will's ts is its connect time: no measure of how late it comes.
    const { ts, online } = parsed.payload as { ts?: unknown; online?: unknown };
    if (typeof ts === 'number' && online !== false) this.sampleLag(receivedAt - ts, receivedAt);
    await this.opts.onMessage(parsed, receivedAt);
  }

  private sampleLag(lag: number, at: number): void {
    if (this.lags.length >= LAG_SAMPLES) this.lags.shift();
    this.lags.push(lag);
    this.lagAt = at;
  }

  status(now: number): LinkStatus {
    const fresh = this.lags.length > 0 && now - this.lagAt <= LAG_FRESH_MS;
    const lagMs = fresh ? median(this.lags) : null;
    return {
      connected: this.connected,
      received: this.received,
      lagMs,
      draining: lagMs !== null && lagMs > DRAINING_LAG_MS,
    };
  }

  publish(topic: string, payload: unknown, options: { retain?: boolean }): void {
    const client = this.client;
    if (!client) throw Object.assign(new Error('MQTT link not started'), { code: 'MQTT_NOT_STARTED' });
    client.publish(topic, JSON.stringify(payload), { qos: 1, retain: options.retain ?? false }, (err) => {
      if (err) this.opts.log.warn({ link: this.cls, topic, err: err.message }, 'publish failed');
    });
    // A command never waits for the batched acknowledgements: flush once mqtt-packet's own cork (one tick) is off.
    if (this.corked) process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    const stream = this.corked;
    if (!stream) return;
    stream.uncork();
    stream.cork();
  };

  private corked: Writable | null = null;

  /**
   * The PUBACKs of the messages handled in one turn of the event loop go out in one socket write instead of one
   * each (a write per message was the gateway's largest cost after SQLite under sensor load).
   */
  private batchAcks(client: MqttClient): void {
    const stream = client.stream as Writable | undefined;
    if (this.corked || !stream || typeof stream.cork !== 'function') return;
    stream.cork();
    this.corked = stream;
    setImmediate(() => {
      this.corked = null;
      stream.uncork();
    });
  }

  redeliver(): void {
    this.client?.stream?.destroy();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.stopping = true;
    if (client) await client.endAsync();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The gateway's MQTT link: a gate connection (plate reads, payments, barrier states, loops; every publish: commands,
 * displays, occupancy, reports) and a telemetry connection (space states, device status), each with its own persistent
 * session. A sensor backlog fills the telemetry connection's queue at the broker and its socket; a plate read arrives
 * on the other, and the gateway, which takes both in turn, decides it without waiting for the backlog.
 */
export class MqttLink implements Publisher {
  private readonly gate: LinkConnection;
  private readonly telemetry: LinkConnection;

  constructor(private readonly opts: MqttLinkOptions) {
    const min = opts.reconnectMinMs ?? 500;
    const max = opts.reconnectMaxMs ?? 30_000;
    this.gate = new LinkConnection(opts, 'gate', opts.clientId, min, max);
    this.telemetry = new LinkConnection(opts, 'telemetry', `${opts.clientId}-telemetry`, min, max);
  }

  /** Both connections up. */
  get connected(): boolean {
    return this.gate.connected && this.telemetry.connected;
  }

  /** Device messages taken, both connections. */
  get received(): number {
    return this.gate.received + this.telemetry.received;
  }

  async start(): Promise<void> {
    await Promise.all([this.gate.start(), this.telemetry.start()]);
  }

  status(): Record<LinkClass, LinkStatus> {
    const now = this.opts.now();
    return { gate: this.gate.status(now), telemetry: this.telemetry.status(now) };
  }

  /**
   * Queues a QoS 1 publish on the gate connection and returns without waiting for the PUBACK: handlers run inside
   * `handleMessage`, and mqtt.js reads no further packets (PUBACKs included) until a handler is done, so awaiting the
   * ack would deadlock. mqtt.js keeps the order of publishes and resends unacknowledged ones after a reconnect.
   */
  async publish(topic: string, payload: unknown, options: { retain?: boolean } = {}): Promise<void> {
    this.gate.publish(topic, payload, options);
  }

  /**
   * Drops both connections; mqtt.js reconnects with the same persistent sessions and the broker resends every
   * unacknowledged QoS 1 message [MQTT-4.4.0-1].
   */
  redeliver(): void {
    this.gate.redeliver();
    this.telemetry.redeliver();
  }

  async stop(): Promise<void> {
    await Promise.all([this.gate.stop(), this.telemetry.stop()]);
  }
}
