import { Readable } from 'node:stream';
import { z } from 'zod';

/**
 * What the broker keeps for a persistent (clean session 0) subscriber, per client: every QoS 1/2 message it has not
 * acknowledged yet, queued while it is offline or slow, and resent after a reconnect [MQTT-4.4.0-1].
 */
export const QueueLimits = z
  .object({
    /** Queued messages of telemetry topics (space states, device status) per client; past it the oldest is dropped. */
    maxTelemetryPerClient: z.int().min(1).max(10_000_000).default(20_000),
    /** All queued messages per client; past it the oldest telemetry, else the oldest of all, is dropped. */
    maxPerClient: z.int().min(1).max(10_000_000).default(100_000),
    /**
     * Messages sent to a persistent subscriber and not yet acknowledged, at most; the rest wait in its queue and go
     * out as acknowledgements come back. The socket never holds more than this, so a slow reader is paced, not
     * disconnected for a full socket (aedes' `drainTimeout`).
     */
    inflightPerClient: z.int().min(1).max(65_535).default(1_000),
  })
  .strict();
export type QueueLimits = z.infer<typeof QueueLimits>;

/** The fields of an aedes packet this store reads and writes. */
export interface QueuedPacket {
  cmd: string;
  topic: string;
  brokerId: string;
  brokerCounter: number;
  messageId?: number | undefined;
  [field: string]: unknown;
}

export type QueueClass = 'gate' | 'telemetry';

interface ClientQueue {
  /** Insertion-ordered by `brokerId:brokerCounter`. */
  gate: Map<string, QueuedPacket>;
  telemetry: Map<string, QueuedPacket>;
  /** Packet identifier (after `update`) → key. */
  byMessageId: Map<number, string>;
}

export interface QueueDrops {
  telemetry: number;
  gate: number;
}

/** A queued message's identity: the broker that took it and its counter there. */
export const queueKey = (p: { brokerId: string; brokerCounter: number }) => `${p.brokerId}:${p.brokerCounter}`;
const keyOf = queueKey;

/**
 * An indexed replacement for the outgoing part of aedes' in-memory persistence. The stock one keeps each client's queue
 * in an array, and finds a packet to update or acknowledge by a linear scan plus `splice`: with a backlog of 100,000
 * messages every delivery and every PUBACK costs a scan of the backlog, so a subscriber that falls behind drains ever
 * slower (the gateway fell to ~230 messages/s after a sensor flood, #25). Here both are O(1), the queue is bounded
 * (telemetry first to go: a later state of the same space replaces it), and after a reconnect gate messages are
 * resent before the telemetry backlog.
 */
export class OutgoingQueues {
  private readonly queues = new Map<string, ClientQueue>();
  readonly drops: QueueDrops = { telemetry: 0, gate: 0 };

  constructor(
    private readonly limits: QueueLimits,
    /** Which class a topic belongs to. */
    private readonly classify: (topic: string) => QueueClass,
    /** Told once per dropped message (counted and logged by the broker). */
    private readonly onDrop: (clientId: string, dropped: QueuedPacket, cls: QueueClass) => void = () => {},
  ) {}

  private queue(clientId: string): ClientQueue {
    let q = this.queues.get(clientId);
    if (!q) {
      q = { gate: new Map(), telemetry: new Map(), byMessageId: new Map() };
      this.queues.set(clientId, q);
    }
    return q;
  }

  enqueue(clientId: string, packet: QueuedPacket): void {
    const q = this.queue(clientId);
    const cls = this.classify(packet.topic);
    (cls === 'gate' ? q.gate : q.telemetry).set(keyOf(packet), packet);
    if (q.telemetry.size > this.limits.maxTelemetryPerClient) this.dropOldest(clientId, q, 'telemetry');
    while (q.gate.size + q.telemetry.size > this.limits.maxPerClient) {
      this.dropOldest(clientId, q, q.telemetry.size > 0 ? 'telemetry' : 'gate');
    }
  }

  private dropOldest(clientId: string, q: ClientQueue, cls: QueueClass): void {
    const map = cls === 'gate' ? q.gate : q.telemetry;
    const first = map.entries().next();
    if (first.done) return;
    const [key, packet] = first.value;
    map.delete(key);
    if (packet.messageId !== undefined && q.byMessageId.get(packet.messageId) === key) {
      q.byMessageId.delete(packet.messageId);
    }
    this.drops[cls]++;
    this.onDrop(clientId, packet, cls);
  }

  /**
   * A packet identifier was given to a queued packet (it is being sent), or a PUBREL replaces its PUBLISH. A packet
   * this store dropped meanwhile is still sent (it was on its way) but no longer kept: false.
   */
  update(clientId: string, packet: QueuedPacket): boolean {
    const q = this.queue(clientId);
    const key = keyOf(packet);
    const stored = q.gate.get(key) ?? q.telemetry.get(key);
    if (stored && packet.cmd === stored.cmd) {
      if (stored.messageId !== undefined && q.byMessageId.get(stored.messageId) === key) {
        q.byMessageId.delete(stored.messageId);
      }
      stored.messageId = packet.messageId;
      if (packet.messageId !== undefined) q.byMessageId.set(packet.messageId, key);
      return true;
    }
    // QoS 2: the PUBREL takes the place of its PUBLISH (same packet identifier).
    const byId = packet.messageId === undefined ? undefined : q.byMessageId.get(packet.messageId);
    if (byId !== undefined) {
      const map = q.gate.has(byId) ? q.gate : q.telemetry;
      map.set(byId, packet);
      return true;
    }
    return false;
  }

  /** The client acknowledged a packet identifier: forget that packet, and return it. */
  clear(clientId: string, packet: { messageId?: number | undefined }): QueuedPacket | undefined {
    const q = this.queues.get(clientId);
    if (!q || packet.messageId === undefined) return undefined;
    const key = q.byMessageId.get(packet.messageId);
    if (key === undefined) return undefined;
    q.byMessageId.delete(packet.messageId);
    const stored = q.gate.get(key) ?? q.telemetry.get(key);
    q.gate.delete(key);
    q.telemetry.delete(key);
    if (q.gate.size === 0 && q.telemetry.size === 0 && q.byMessageId.size === 0) this.queues.delete(clientId);
    return stored;
  }

  /** What to resend after a reconnect, all of it: `snapshot`'s order. */
  stream(clientId: string): Readable {
    const { sent, unsent } = this.snapshot(clientId);
    return Readable.from([...sent, ...unsent], { objectMode: true });
  }

  /**
   * A client's queue for a resend after a reconnect: the messages sent before and not acknowledged (resent first,
   * with their packet identifiers [MQTT-4.4.0-1]), then the unsent, gate messages first, each oldest first.
   */
  snapshot(clientId: string): { sent: QueuedPacket[]; unsent: QueuedPacket[] } {
    const q = this.queues.get(clientId);
    const sent: QueuedPacket[] = [];
    const unsent: QueuedPacket[] = [];
    for (const map of q ? [q.gate, q.telemetry] : []) {
      for (const packet of map.values()) (packet.messageId === undefined ? unsent : sent).push(packet);
    }
    return { sent, unsent };
  }

  /** Messages sent to a client and not acknowledged yet. */
  inflight(clientId: string): number {
    return this.queues.get(clientId)?.byMessageId.size ?? 0;
  }

  /** Is this packet still kept for the client (not acknowledged, not dropped)? */
  has(clientId: string, packet: { brokerId: string; brokerCounter: number }): boolean {
    const q = this.queues.get(clientId);
    const key = keyOf(packet);
    return q !== undefined && (q.gate.has(key) || q.telemetry.has(key));
  }

  /** Queued messages of a client (or of all). */
  size(clientId?: string): number {
    if (clientId !== undefined) {
      const q = this.queues.get(clientId);
      return q ? q.gate.size + q.telemetry.size : 0;
    }
    let n = 0;
    for (const q of this.queues.values()) n += q.gate.size + q.telemetry.size;
    return n;
  }
}
