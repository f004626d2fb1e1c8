import type { Writable } from 'node:stream';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import type { Logger } from '../../app/logger.ts';
import type { Publisher } from '../../app/ports.ts';
import { type ParsedMessage, parseMessage, type TopicKind, type Topics } from '../../protocol/index.ts';

export type { Publisher };

export interface MqttLinkOptions {
  url: string;
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

const DEVICE_TOPICS: TopicKind[] = ['plate', 'barrierState', 'loop', 'payment', 'spaceState', 'deviceStatus'];

/** The gateway's MQTT connection: persistent QoS 1 session, ordered handling, back-off reconnect. */
export class MqttLink implements Publisher {
  private client: MqttClient | null = null;
  private readonly minMs: number;
  private readonly maxMs: number;
  connected = false;
  received = 0;
  private stopping = false;

  constructor(private readonly opts: MqttLinkOptions) {
    this.minMs = opts.reconnectMinMs ?? 500;
    this.maxMs = opts.reconnectMaxMs ?? 30_000;
  }

  async start(): Promise<void> {
    const options: IClientOptions = {
      clientId: this.opts.clientId,
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
    client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      this.batchAcks(client);
      this.handle(packet).then(
        () => done(),
        (err: Error & { unacknowledged?: boolean }) => {
          this.opts.log.error({ err: err.message, topic: packet.topic }, 'message handler failed');
          // mqtt.js sends no PUBACK when `done` gets an error; the broker resends the event after a reconnect.
          done(err.unacknowledged ? err : undefined);
        },
      );
    };
    client.on('connect', (connack) => {
      this.connected = true;
      client.options.reconnectPeriod = this.minMs;
      this.opts.log.info({ url: this.opts.url, sessionPresent: connack.sessionPresent }, 'mqtt connected');
      if (!connack.sessionPresent)
        this.subscribe().catch((err: Error) => this.opts.log.error({ err: err.message }, 'subscribe failed'));
    });
    client.on('close', () => {
      if (this.connected && !this.stopping) this.opts.log.warn({}, 'mqtt connection closed');
      this.connected = false;
      const next = Math.min(this.maxMs, (client.options.reconnectPeriod ?? this.minMs) * 2);
      client.options.reconnectPeriod = next;
    });
    client.on('error', (err) => this.opts.log.warn({ err: err.message }, 'mqtt error'));
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

  private async subscribe(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const filters: Record<string, { qos: 1 }> = {};
    for (const site of this.opts.sites) {
      for (const kind of DEVICE_TOPICS) filters[this.opts.topics.filter(kind, { site })] = { qos: 1 };
    }
    const granted = await client.subscribeAsync(filters);
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length > 0)
      this.opts.log.error({ refused: refused.map((g) => g.topic) }, 'broker refused subscriptions');
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    this.received++;
    const receivedAt = this.opts.now();
    const parsed = parseMessage(packet.topic, packet.payload as Buffer, { root: this.opts.topics.root });
    if (!parsed.ok) {
      this.opts.onRejected(packet.topic, parsed.code, parsed.reason);
      return;
    }
    await this.opts.onMessage(parsed, receivedAt);
  }

  /**
   * Queues a QoS 1 publish and returns without waiting for the PUBACK: handlers run inside `handleMessage`, and
   * mqtt.js reads no further packets (PUBACKs included) until a handler is done, so awaiting the ack would deadlock.
   * mqtt.js keeps the order of publishes and resends unacknowledged ones after a reconnect.
   */
  async publish(topic: string, payload: unknown, options: { retain?: boolean } = {}): Promise<void> {
    const client = this.client;
    if (!client) throw Object.assign(new Error('MQTT link not started'), { code: 'MQTT_NOT_STARTED' });
    client.publish(topic, JSON.stringify(payload), { qos: 1, retain: options.retain ?? false }, (err) => {
      if (err) this.opts.log.warn({ topic, err: err.message }, 'publish failed');
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

  /**
   * Drops the connection; mqtt.js reconnects with the same persistent session and the broker resends every
   * unacknowledged QoS 1 message [MQTT-4.4.0-1].
   */
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
