import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { type Duplex, Readable } from 'node:stream';
import { Aedes, type AedesPublishPacket, type Client, type PublishPacket, type Subscription } from 'aedes';
import { createWebSocketStream, type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import {
  DEFAULT_TOPIC_ROOT,
  type Identity,
  authorizePayload as protocolAuthorizePayload,
  authorizePublish as protocolAuthorizePublish,
  authorizeSubscribe as protocolAuthorizeSubscribe,
  type TopicKind,
  topicsFor,
} from '../../gateway/src/protocol/index.ts';
import { type CredentialEntry, clientIdMatches, identityOf } from './credentials.ts';
import { OutgoingQueues, type QueueClass, type QueuedPacket, QueueLimits, queueKey } from './outgoing-queues.ts';
import { guardPacketSize } from './packet-size-guard.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { PublishRateLimiter, RateLimits } from './rate-limit.ts';

export const BrokerLimits = z.object({
  /** Largest MQTT packet accepted, fixed header included; a bigger one closes the connection. */
  maxPacketSize: z
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(64 * 1024),
  /** aedes: ms to wait for a slow client to drain before closing it. */
  drainTimeout: z.int().min(100).default(10_000),
  /** aedes/mqemitter: messages delivered in parallel. */
  concurrency: z.int().min(1).max(10_000).default(100),
  /** aedes: ms a socket may take to send CONNECT. */
  connectTimeout: z.int().min(100).default(10_000),
  /** aedes: packets queued before the CONNECT is authenticated. */
  queueLimit: z.int().min(1).default(42),
  maxClientsIdLength: z.int().min(23).max(65_535).default(128),
  maxTopicLevels: z.int().min(1).max(100).default(16),
});
export type BrokerLimits = z.infer<typeof BrokerLimits>;

export const BrokerConfig = z.object({
  /** TCP port; 0 picks a free one. */
  port: z.int().min(0).max(65_535).default(1883),
  /** WebSocket port (path `/mqtt`); 0 picks a free one, null disables WebSocket. */
  wsPort: z.int().min(0).max(65_535).nullable().default(8083),
  host: z.string().default('0.0.0.0'),
  root: z.string().default(DEFAULT_TOPIC_ROOT),
  /** `drop`: acknowledge and deliver to nobody; `disconnect`: aedes' own answer, close the connection. */
  refusedPublish: z.enum(['drop', 'disconnect']).default('drop'),
  limits: BrokerLimits.default(BrokerLimits.parse({})),
  /** Per-device publish budgets (docs/protocol.md "Publish budgets"). */
  rateLimits: RateLimits.default(RateLimits.parse({})),
  /** Bounds of each persistent subscriber's queue (in-memory persistence; docs/protocol.md "Queues"). */
  queues: QueueLimits.default(QueueLimits.parse({})),
});
export type BrokerConfig = z.infer<typeof BrokerConfig>;

export const BrokerLogEntry = z.object({
  level: z.enum(['info', 'warn', 'error']),
  event: z.string(),
  client: z.string().optional(),
  username: z.string().optional(),
  topic: z.string().optional(),
  reason: z.string().optional(),
  port: z.int().optional(),
  wsPort: z.int().nullable().optional(),
  /** Which Redis connection of a cluster instance (persistence, mq-sub, mq-pub). */
  connection: z.string().optional(),
});
export type BrokerLogEntry = z.infer<typeof BrokerLogEntry>;
export type BrokerLog = (entry: BrokerLogEntry) => void;

export const BrokerCounters = z.object({
  connections: z.int(),
  connected: z.int(),
  refusedAuth: z.int(),
  refusedPublish: z.int(),
  refusedSubscribe: z.int(),
  messagesIn: z.int(),
  oversizePackets: z.int(),
  /** Publishes held back until their device's budget had a token for them. */
  throttledPublishes: z.int(),
  /** Connections closed because their device kept publishing over its budget. */
  rateLimitDisconnects: z.int(),
  /** Connects refused while the user cools down after such a disconnect. */
  refusedCooldown: z.int(),
  /** Messages queued for persistent subscribers now (in-memory persistence; 0 with a shared one). */
  queued: z.int(),
  /** Queued messages dropped by the queue bounds, by class. */
  queueDroppedTelemetry: z.int(),
  queueDroppedGate: z.int(),
});
export type BrokerCounters = z.infer<typeof BrokerCounters>;

export type StartBrokerOptions = z.input<typeof BrokerConfig> & {
  credentials: readonly CredentialEntry[];
  /** Structured log sink; default: one JSON line per entry on stdout. */
  log?: BrokerLog;
  /** aedes message emitter shared by cluster instances (mqemitter-redis); default: aedes' in-process one. */
  mq?: unknown;
  /** aedes async persistence (sessions, QoS 1 queues, retained, wills); default: aedes' in-memory one. */
  persistence?: unknown;
};

export interface RunningBroker {
  port: number;
  /** null when WebSocket is disabled. */
  wsPort: number | null;
  aedes: Aedes;
  counters(): BrokerCounters;
  /** Replace the credentials; connected clients keep the identity they authenticated with. */
  setCredentials(credentials: readonly CredentialEntry[]): void;
  stop(): Promise<void>;
}

/** Refused publishes in `drop` mode are rerouted here: no client may subscribe to it. */
export const REFUSED_TOPIC = '$parking-broker/refused';

const IDENTIFIER_REJECTED = 2;
const NOT_AUTHORIZED = 5;
const SERVER_UNAVAILABLE = 3;

function jsonLineLog(entry: BrokerLogEntry): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

function authError(message: string, returnCode: number): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode });
}

interface Session {
  username: string;
  identity: Identity;
}

/** Start aedes on TCP and WebSocket with device authentication and per-topic authorisation. */
export async function startBroker(options: StartBrokerOptions): Promise<RunningBroker> {
  const config = BrokerConfig.parse(options);
  const { limits, root } = config;
  const log = options.log ?? jsonLineLog;
  let users = new Map<string, CredentialEntry>();
  const sessions = new WeakMap<Client, Session>();
  const counters: BrokerCounters = BrokerCounters.parse({
    connections: 0,
    connected: 0,
    refusedAuth: 0,
    refusedPublish: 0,
    refusedSubscribe: 0,
    messagesIn: 0,
    oversizePackets: 0,
    throttledPublishes: 0,
    rateLimitDisconnects: 0,
    refusedCooldown: 0,
    queued: 0,
    queueDroppedTelemetry: 0,
    queueDroppedGate: 0,
  });
  const limiter = new PublishRateLimiter(config.rateLimits);
  /** Paces deliveries to a persistent client (in-memory persistence only); set once the queues exist. */
  let windowDeliveries: ((client: Client) => void) | null = null;
  /** Publishes waiting for a token, per client: dropped unanswered when the client goes. */
  const waiting = new Map<Client, Set<NodeJS.Timeout>>();
  /** Clients whose throttling was logged (once per episode, not per publish). */
  const throttledLogged = new WeakSet<Client>();
  function setCredentials(credentials: readonly CredentialEntry[]): void {
    users = new Map(credentials.map((c) => [c.username, c]));
  }
  setCredentials(options.credentials);
  // Unknown users cost one scrypt too, so timing does not tell which usernames exist.
  const dummyHash = await hashPassword('unknown user');

  function authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: (Error & { returnCode: number }) | null, success: boolean | null) => void,
  ): void {
    const entry = username === undefined ? undefined : users.get(username);
    const coolingMs = entry ? limiter.coolingDown(entry.username, performance.now()) : 0;
    if (coolingMs > 0) {
      // Refused before the password hash: a flooding device reconnecting in a loop must not cost a scrypt each time.
      counters.refusedCooldown++;
      const reason = `cooling down after publishing over its rate: ${Math.ceil(coolingMs / 1000)} s left`;
      log({ level: 'warn', event: 'refused-connect', client: client.id, username, reason });
      done(authError(reason, SERVER_UNAVAILABLE), null);
      return;
    }
    verifyPassword(password ?? Buffer.alloc(0), entry?.passwordHash ?? dummyHash).then(
      function verified(matches) {
        let reason: string | null = null;
        let badIdentifier = false;
        if (!entry) reason = username === undefined ? 'no username' : 'unknown user';
        else if (!matches) reason = 'wrong password';
        else if (!clientIdMatches(entry.username, client.id)) {
          reason = `client id ${JSON.stringify(client.id.slice(0, 64))} must be the username or username-…`;
          // [MQTT-3.1.3-9] a client id the server does not allow is identifier rejected (0x02), not unauthorised.
          badIdentifier = true;
        }
        if (reason !== null || !entry) {
          counters.refusedAuth++;
          log({ level: 'warn', event: 'refused-connect', client: client.id, username, reason: reason ?? '' });
          // [MQTT-3.1.3-8] an empty client id (aedes names it aedes_…) with CleanSession 0 is identifier rejected.
          const emptyId = client.id.startsWith('aedes_') && !client.clean;
          const code = badIdentifier || emptyId ? IDENTIFIER_REJECTED : NOT_AUTHORIZED;
          return done(authError(reason ?? 'refused', code), null);
        }
        sessions.set(client, { username: entry.username, identity: identityOf(entry) });
        // Before aedes restores the session's subscriptions: they capture the delivery function.
        if (!client.clean) windowDeliveries?.(client);
        done(null, true);
      },
      function failed(err: Error) {
        log({ level: 'error', event: 'auth-error', client: client.id, username, reason: err.message });
        done(authError(err.message, SERVER_UNAVAILABLE), null);
      },
    );
  }

  function sessionOf(client: Client | null, packet: PublishPacket): Session | undefined {
    if (client) return sessions.get(client);
    // A will left by a client of another broker instance sharing persistence: find its user by client id.
    const clientId = (packet as PublishPacket & { clientId?: string }).clientId ?? '';
    let best: CredentialEntry | undefined;
    for (const entry of users.values()) {
      if (clientIdMatches(entry.username, clientId) && entry.username.length > (best?.username.length ?? -1)) {
        best = entry;
      }
    }
    return best ? { username: best.username, identity: identityOf(best) } : undefined;
  }

  function authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    callback: (error?: Error | null) => void,
  ): void {
    const session = sessionOf(client, packet);
    const onTopic = session
      ? protocolAuthorizePublish(session.identity, packet.topic, { root })
      : { ok: false as const, reason: 'no authenticated user' };
    // The topic is the device's own; the event must also name that device (a will is the broker's own message).
    const verdict =
      onTopic.ok && session && client !== null ? protocolAuthorizePayload(session.identity, packet.payload) : onTopic;
    if (verdict.ok) {
      if (client && session) {
        admitPublish(client, session, packet, callback);
        return;
      }
      counters.messagesIn++;
      callback(null);
      return;
    }
    counters.refusedPublish++;
    log({
      level: 'warn',
      event: 'refused-publish',
      client: client?.id,
      username: session?.username,
      topic: packet.topic,
      reason: verdict.reason,
    });
    if (config.refusedPublish === 'disconnect' || client === null) {
      callback(new Error(verdict.reason));
      return;
    }
    // [MQTT-3.3.5-2] acknowledge as usual, deliver to nobody.
    packet.topic = REFUSED_TOPIC;
    packet.retain = false;
    packet.payload = Buffer.alloc(0);
    callback(null);
  }

  /**
   * The device's publish budget: a publish over it waits for its token (aedes reads nothing more from the connection
   * meanwhile, so TCP pushes back on the device); a device that would wait longer than `maxThrottleMs` is flooding
   * and is disconnected, counted, logged with its client id, and refused for `cooldownMs`.
   */
  function admitPublish(
    client: Client,
    session: Session,
    packet: PublishPacket,
    callback: (error?: Error | null) => void,
  ): void {
    const admission = limiter.admit(session.username, session.identity.role, performance.now());
    if (admission.action === 'pass') {
      throttledLogged.delete(client);
      counters.messagesIn++;
      callback(null);
      return;
    }
    if (admission.action === 'disconnect') {
      counters.rateLimitDisconnects++;
      log({
        level: 'warn',
        event: 'rate-limit-disconnect',
        client: client.id,
        username: session.username,
        topic: packet.topic,
        reason: admission.reason,
      });
      // aedes closes the connection on an authorisation error; the publishes still waiting are never delivered.
      callback(new Error(`rate limit: ${admission.reason}`));
      return;
    }
    counters.throttledPublishes++;
    if (!throttledLogged.has(client)) {
      throttledLogged.add(client);
      log({
        level: 'warn',
        event: 'throttled',
        client: client.id,
        username: session.username,
        topic: packet.topic,
        reason: `over its publish rate: held ${admission.ms} ms`,
      });
    }
    let timers = waiting.get(client);
    if (!timers) {
      timers = new Set();
      waiting.set(client, timers);
    }
    const own = timers;
    const timer = setTimeout(function tokenReady() {
      own.delete(timer);
      counters.messagesIn++;
      callback(null);
    }, admission.ms);
    own.add(timer);
  }

  function authorizeSubscribe(
    client: Client,
    sub: Subscription,
    callback: (error: Error | null, subscription?: Subscription | null) => void,
  ): void {
    const session = sessions.get(client);
    const verdict = session
      ? protocolAuthorizeSubscribe(session.identity, sub.topic, { root })
      : { ok: false as const, reason: 'no authenticated user' };
    if (verdict.ok) {
      callback(null, sub);
      return;
    }
    counters.refusedSubscribe++;
    log({
      level: 'warn',
      event: 'refused-subscribe',
      client: client.id,
      username: session?.username,
      topic: sub.topic,
      reason: verdict.reason,
    });
    // [MQTT-3.9.3] granted QoS 0x80
    callback(null, null);
  }

  function authorizeForward(_client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    return packet.topic === REFUSED_TOPIC ? null : packet;
  }

  const aedes = await Aedes.createBroker({
    ...(options.mq === undefined ? {} : { mq: options.mq }),
    ...(options.persistence === undefined ? {} : { persistence: options.persistence }),
    concurrency: limits.concurrency,
    drainTimeout: limits.drainTimeout,
    connectTimeout: limits.connectTimeout,
    queueLimit: limits.queueLimit,
    maxClientsIdLength: limits.maxClientsIdLength,
    maxTopicLevels: limits.maxTopicLevels,
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    authorizeForward,
  });
  // aedes stores a persistent client's whole SUBSCRIBE list, refused topics included, and queues messages on them
  // while the client is offline: keep only the topics the client may subscribe to.
  const persistence = (aedes as unknown as { persistence: unknown }).persistence as {
    addSubscriptions(client: Client, subs: Subscription[]): Promise<unknown>;
  };
  const addSubscriptions = persistence.addSubscriptions.bind(persistence);
  // One filtered list per SUBSCRIBE packet: aedes passes the same list once per topic in it.
  const allowedLists = new WeakMap<Subscription[], Subscription[]>();
  persistence.addSubscriptions = function addAllowedSubscriptions(client, subs) {
    let allowed = allowedLists.get(subs);
    if (!allowed) {
      const identity = sessions.get(client)?.identity;
      allowed = identity ? subs.filter((sub) => protocolAuthorizeSubscribe(identity, sub.topic, { root }).ok) : [];
      allowedLists.set(subs, allowed);
    }
    return allowed.length === 0 ? Promise.resolve(client) : addSubscriptions(client, allowed);
  };

  const queues = options.persistence === undefined ? installOutgoingQueues(aedes, config, log) : null;
  windowDeliveries = queues ? (client) => windowOf(client, queues, config.queues.inflightPerClient) : null;

  aedes.on('client', function onClient() {
    counters.connections++;
    counters.connected++;
  });
  aedes.on('clientDisconnect', function onClientDisconnect(client: Client) {
    counters.connected--;
    dropWaiting(client);
  });
  function dropWaiting(client: Client): void {
    for (const timer of waiting.get(client) ?? []) clearTimeout(timer);
    waiting.delete(client);
  }
  aedes.on('clientError', function onClientError(client: Client, err: Error) {
    dropWaiting(client);
    log({ level: 'info', event: 'client-error', client: client.id, reason: err.message });
  });

  const streams = new Set<Duplex>();
  function accept(stream: Duplex, request?: IncomingMessage): void {
    streams.add(stream);
    stream.once('close', function forget() {
      streams.delete(stream);
    });
    const client = aedes.handle(stream, request);
    guardPacketSize(stream, limits.maxPacketSize, function oversize(announced) {
      counters.oversizePackets++;
      log({ level: 'warn', event: 'oversize-packet', client: client.id, reason: `${announced} bytes announced` });
      stream.destroy();
    });
  }

  const tcp: NetServer = createNetServer(function onTcpConnection(socket: Socket) {
    accept(socket);
  });
  const port = await listen(tcp, config.port, config.host);

  let http: HttpServer | null = null;
  let wss: WebSocketServer | null = null;
  let wsPort: number | null = null;
  if (config.wsPort !== null) {
    http = createHttpServer(function notFound(_req: IncomingMessage, res: ServerResponse) {
      res.writeHead(404).end();
    });
    wss = new WebSocketServer({ server: http, path: '/mqtt', maxPayload: limits.maxPacketSize + 1024 });
    wss.on('connection', function onWebSocket(ws: WebSocket, req: IncomingMessage) {
      const stream = createWebSocketStream(ws);
      stream.on('error', function ignoreAfterClose() {});
      accept(stream, req);
    });
    wsPort = await listen(http, config.wsPort, config.host);
  }
  log({ level: 'info', event: 'listening', port, wsPort });

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    stopping ??= (async function shutdown() {
      const closed = [closeServer(tcp)];
      if (http) closed.push(closeServer(http));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const stream of streams) stream.destroy();
      for (const ws of wss?.clients ?? []) ws.terminate();
      wss?.close();
      http?.closeAllConnections();
      await Promise.all(closed);
    })();
    return stopping;
  }

  return {
    port,
    wsPort,
    aedes,
    counters: () => ({
      ...counters,
      queued: queues?.size() ?? 0,
      queueDroppedTelemetry: queues?.drops.telemetry ?? 0,
      queueDroppedGate: queues?.drops.gate ?? 0,
    }),
    setCredentials,
    stop,
  };
}

type Deliver = (packet: QueuedPacket & { qos: number }, cb: () => void) => void;
interface DeliveryWindow {
  /** Queued messages held back by the window, in order. */
  waiting: Map<string, QueuedPacket & { qos: number }>;
  /** Sends waiting messages while the window has room. */
  release(): void;
}
const windows = new WeakMap<Client, DeliveryWindow>();

/**
 * The in-flight window of a persistent client: at most `window` messages sent and not acknowledged. A message past it
 * is not written (it is already in the client's queue) and the delivery completes at once, so neither the shared
 * emitter nor other clients wait; each acknowledgement sends the next waiting one, in order. A message the queue
 * bounds dropped meanwhile is skipped. On a disconnect the waiting list goes: the queue resends all after a reconnect.
 */
function windowOf(client: Client, queues: OutgoingQueues, window: number): void {
  const target = client as unknown as { deliverQoS: Deliver; closed: boolean };
  const deliver = target.deliverQoS;
  const waiting = new Map<string, QueuedPacket & { qos: number }>();
  const state: DeliveryWindow = {
    waiting,
    release: function releaseNext() {
      if (target.closed) {
        waiting.clear();
        return;
      }
      while (waiting.size > 0 && queues.inflight(client.id) < window) {
        const [key, packet] = waiting.entries().next().value!;
        waiting.delete(key);
        if (queues.has(client.id, packet)) deliver({ ...packet, qos: packet.qos ?? 1 }, () => {});
      }
    },
  };
  windows.set(client, state);
  target.deliverQoS = function windowedDelivery(packet, cb) {
    // Behind what already waits (order kept), or past the window: held in the queue, the delivery is done.
    if (packet.qos > 0 && queues.has(client.id, packet) && (waiting.size > 0 || queues.inflight(client.id) >= window)) {
      waiting.set(queueKey(packet), packet);
      cb();
      state.release();
      return;
    }
    deliver(packet, cb);
  };
}

/** Space states, device status and the gateway's occupancy and reports: a later message supersedes an earlier one. */
const TELEMETRY: ReadonlySet<TopicKind> = new Set(['spaceState', 'deviceStatus', 'occupancy', 'report']);

/**
 * Replaces the outgoing queues of aedes' in-memory persistence with `OutgoingQueues` (O(1) per delivery and PUBACK,
 * bounded, gate traffic resent first). A shared persistence (Redis, cluster) keeps its own.
 */
function installOutgoingQueues(aedes: Aedes, config: BrokerConfig, log: BrokerLog): OutgoingQueues {
  const topics = topicsFor(config.root);
  const classify = (topic: string): QueueClass => {
    const kind = topics.match(topic)?.kind;
    return kind !== undefined && TELEMETRY.has(kind) ? 'telemetry' : 'gate';
  };
  const episodes = new Set<string>();
  const queues = new OutgoingQueues(config.queues, classify, function dropped(clientId, packet, cls) {
    // One line per client and class until its queue has room again, not one per message.
    const episode = `${clientId}/${cls}`;
    if (episodes.has(episode)) return;
    episodes.add(episode);
    setTimeout(() => episodes.delete(episode), 10_000).unref();
    log({ level: 'warn', event: 'queue-full', client: clientId, topic: packet.topic, reason: `oldest ${cls} dropped` });
  });
  type Persistence = {
    outgoingEnqueue(sub: { clientId: string }, packet: QueuedPacket): Promise<void>;
    outgoingEnqueueCombi(subs: { clientId: string }[], packet: QueuedPacket): Promise<void>;
    outgoingUpdate(client: Client, packet: QueuedPacket): Promise<void>;
    outgoingClearMessageId(client: Client, packet: QueuedPacket): Promise<QueuedPacket | undefined>;
    outgoingStream(client: Client): Readable;
  };
  const persistence = (aedes as unknown as { persistence: Persistence }).persistence;
  // Each subscriber keeps its own copy (its own packet identifier), as aedes-persistence does.
  const copy = (packet: QueuedPacket): QueuedPacket => ({ ...packet, messageId: undefined });
  persistence.outgoingEnqueue = async (sub, packet) => {
    queues.enqueue(sub.clientId, copy(packet));
  };
  persistence.outgoingEnqueueCombi = async (subs, packet) => {
    for (const sub of subs) queues.enqueue(sub.clientId, copy(packet));
  };
  // A packet the bounds dropped while it was on its way is still sent, only no longer kept: never an error (aedes
  // would close the client).
  persistence.outgoingUpdate = async (client, packet) => {
    queues.update(client.id, packet);
  };
  persistence.outgoingClearMessageId = async (client, packet) => {
    const cleared = queues.clear(client.id, packet);
    // A slot of the client's in-flight window is free: the next waiting message goes out.
    windows.get(client)?.release();
    return cleared;
  };
  // After a reconnect: what was in flight, then as many unsent as the window takes; the rest wait their turn.
  persistence.outgoingStream = (client) => {
    const window = windows.get(client);
    if (!window) return queues.stream(client.id);
    const { sent, unsent } = queues.snapshot(client.id);
    const room = Math.max(0, config.queues.inflightPerClient - sent.length);
    for (const packet of unsent.slice(room)) {
      window.waiting.set(queueKey(packet), { ...packet, qos: Number(packet.qos ?? 1) });
    }
    return Readable.from([...sent, ...unsent.slice(0, room)], { objectMode: true });
  };
  return queues;
}

function listen(server: NetServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise(function listening(resolve, reject) {
    server.once('error', reject);
    server.listen(port, host, function listened() {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: NetServer | HttpServer): Promise<void> {
  return new Promise(function closing(resolve) {
    server.close(() => resolve());
  });
}
