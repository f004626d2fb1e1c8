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

async function connectRedis(url: string, timeoutMs: number, log: BrokerLog): Promise<Redis> {
  const conn = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: null });
  let down = false;
  conn.on('error', function redisError(err: Error) {
    if (down) return;
    down = true;
    log({ level: 'error', event: 'redis-error', reason: err.message });
  });
  conn.on('ready', function redisReady() {
    if (down) log({ level: 'info', event: 'redis-ready' });
    down = false;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    conn.disconnect();
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
  const conn = await connectRedis(redisUrl, redisTimeoutMs, log);
  const persistence = new RedisPersistence({ conn });
  const mq = MQEmitterRedis({ connectionString: redisUrl });
  // mqemitter-redis reports Redis errors on `state`, which its typings leave out.
  (mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', function mqError(err: Error) {
    log({ level: 'error', event: 'redis-mq-error', reason: err.message });
  });
  let broker: RunningBroker;
  try {
    broker = await startBroker({ ...brokerOptions, mq, persistence });
  } catch (err) {
    await new Promise<void>((resolve) => mq.close(() => resolve()));
    conn.disconnect();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    ...broker,
    stop() {
      stopping ??= (async function shutdown() {
        // aedes closes the mq itself; the persistence connection is ours.
        await broker.stop();
        await persistence.destroy();
      })();
      return stopping;
    },
  };
}
