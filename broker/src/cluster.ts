import { Readable } from 'node:stream';
import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js';
import { Redis } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import { type BrokerLog, type RunningBroker, type StartBrokerOptions, startBroker } from './broker.ts';
import { BrokerError } from './errors.ts';

export type StartClusterBrokerOptions = Omit<StartBrokerOptions, 'mq' | 'persistence'> & {
  /** The Redis every instance shares: `redis://[user:password@]host:port[/db]`. */
  redisUrl: string;
  /** How long start-up waits for Redis before it fails with `ERR_BROKER_REDIS`. */
  redisTimeoutMs?: number;
};

/** The URL without its password, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

/** aedes-persistence-redis 12 adapted to two habits of aedes 1.2 that it does not expect. */
class RedisPersistence extends AsyncRedisPersistence {
  private readonly adding = new WeakMap<object, Promise<unknown>>();

  /** aedes pipes the retained stream (`stream.pipe`, handlers/subscribe.js); the persistence returns a generator. */
  override createRetainedStreamCombi(patterns: string[]): Readable {
    return Readable.from(super.createRetainedStreamCombi(patterns));
  }

  /**
   * aedes stores the whole SUBSCRIBE list once per topic in it, concurrently; the broadcast persistence waits for its
   * echo under one key per (client, first topic), so all but one of those calls would never settle and a SUBSCRIBE
   * of two or more topics from a persistent client hangs. The calls are identical: run one and share it.
   */
  override addSubscriptions(client: { id: string }, subs: { topic: string; qos: number }[]): Promise<unknown> {
    const pending = this.adding.get(subs);
    if (pending) return pending;
    const added = super.addSubscriptions(client, subs).finally(() => this.adding.delete(subs));
    this.adding.set(subs, added);
    return added;
  }
}

/** Longest wait between two attempts to reach Redis again while it is down. */
const MAX_RETRY_MS = 1000;

/**
 * The Redis connections of one broker instance, and the rules that let it stop whether Redis is up or not.
 * ioredis leaves a connection that is waiting to reconnect hanging when told to quit or disconnect (no `end` event,
 * queued commands never settle: redis/ioredis#1247), and a `quit` on a closed connection rejects with "Connection is
 * closed." for a caller (mqemitter-redis) that does not handle it. So: once stopping, no reconnection is attempted;
 * every `quit` has an owner for its failure; and a stop with Redis unreachable ends the connections without waiting.
 */
class RedisLinks {
  private stopping = false;
  private readonly all: Redis[] = [];

  constructor(
    private readonly url: string,
    private readonly log: BrokerLog,
  ) {}

  /** A new connection (lazy: `connect()` it, or let its first command do so), its errors logged once per outage. */
  open(name: string, options: { lazyConnect?: boolean; connectTimeout?: number; enableAutoPipelining?: boolean } = {}) {
    const links = this;
    const conn = new Redis(this.url, {
      ...options,
      maxRetriesPerRequest: null,
      retryStrategy: function retryUnlessStopping(attempt: number) {
        return links.stopping ? null : Math.min(attempt * 100, MAX_RETRY_MS);
      },
    });
    let down = false;
    conn.on('error', function redisError(err: Error) {
      if (down || links.stopping) return;
      down = true;
      links.log({ level: 'error', event: 'redis-error', connection: name, reason: err.message });
    });
    conn.on('ready', function redisReady() {
      if (down) links.log({ level: 'info', event: 'redis-ready', connection: name });
      down = false;
    });
    const quit = conn.quit.bind(conn);
    conn.quit = function quitOwned(...args: Parameters<Redis['quit']>) {
      const done = quit(...args);
      done.catch(function quitFailed(err: Error) {
        // The connection closed before Redis answered QUIT: it is closed either way, which is what was asked.
        links.log({ level: 'info', event: 'redis-quit', connection: name, reason: err.message });
      });
      return done;
    } as Redis['quit'];
    this.all.push(conn);
    return conn;
  }

  /** Every connection ready: Redis answers, and what is queued can still be written before closing. */
  get reachable(): boolean {
    return this.all.every((c) => c.status === 'ready');
  }

  /** From now on a lost connection is not retried. */
  beginStop(): void {
    this.stopping = true;
  }

  /** Closes every connection now, dropping what Redis can no longer receive. */
  dropAll(): void {
    for (const conn of this.all) conn.disconnect();
  }
}

async function connectRedis(links: RedisLinks, url: string, timeoutMs: number): Promise<Redis> {
  const conn = links.open('persistence', { lazyConnect: true, connectTimeout: timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    links.beginStop();
    links.dropAll();
    throw new BrokerError(
      'ERR_BROKER_REDIS',
      `cannot reach Redis at ${redactRedisUrl(url)}: ${(err as Error).message}`,
    );
  } finally {
    clearTimeout(timer);
  }
  return conn;
}

/**
 * One instance of a broker cluster: `startBroker` (same authentication and per-topic authorisation) with its
 * messages relayed through Redis pub/sub (mqemitter-redis) and its sessions, QoS 1 queues, retained messages and
 * wills kept in Redis (aedes-persistence-redis), so every instance serves every client and a restart loses nothing.
 */
export async function startClusterBroker(options: StartClusterBrokerOptions): Promise<RunningBroker> {
  const { redisUrl, redisTimeoutMs = 5000, ...brokerOptions } = options;
  const log: BrokerLog = options.log ?? ((entry) => process.stdout.write(`${JSON.stringify(entry)}\n`));
  const links = new RedisLinks(redisUrl, log);
  const conn = await connectRedis(links, redisUrl, redisTimeoutMs);
  const persistence = new RedisPersistence({ conn });
  const mq = MQEmitterRedis({
    subConn: links.open('mq-sub'),
    pubConn: links.open('mq-pub', { enableAutoPipelining: true }),
  });
  // mqemitter-redis reports Redis errors on `state`, which its typings leave out.
  const mqInternals = mq as unknown as {
    state: NodeJS.EventEmitter;
    closing: boolean;
    close(cb: () => void): void;
    _close(cb: () => void): void;
  };
  mqInternals.state.on('error', function mqError(err: Error) {
    log({ level: 'error', event: 'redis-mq-error', reason: err.message });
  });
  // aedes closes the mq when it stops. With Redis up, mqemitter-redis quits its connections and waits for them to end;
  // with Redis down, that wait would never end (see RedisLinks): drop them and close the emitter itself.
  const closeMq = mqInternals.close.bind(mq);
  mqInternals.close = function closeEvenWithoutRedis(cb: () => void): void {
    if (links.reachable) {
      closeMq(cb);
      return;
    }
    mqInternals.closing = true;
    links.dropAll();
    mqInternals._close(cb);
  };
  let broker: RunningBroker;
  try {
    broker = await startBroker({ ...brokerOptions, mq, persistence });
  } catch (err) {
    links.beginStop();
    await new Promise<void>((resolve) => mq.close(() => resolve()));
    links.dropAll();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    ...broker,
    stop() {
      stopping ??= (async function shutdown() {
        links.beginStop();
        // aedes closes the mq itself; the persistence connection is ours.
        await broker.stop();
        if (links.reachable) {
          await persistence.destroy();
        } else {
          // Its unsubscribe would wait for a Redis that is not there; nothing can be saved now anyway.
          log({ level: 'warn', event: 'redis-unreachable-at-stop' });
          links.dropAll();
        }
      })();
      return stopping;
    },
  };
}
