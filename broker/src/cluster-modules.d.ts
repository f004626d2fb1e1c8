// aedes 1.x needs the async persistence; the package's main export is the callback wrapper for aedes 0.x.
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  import type { Redis, RedisOptions } from 'ioredis';

  interface AsyncRedisPersistenceOptions extends RedisOptions {
    conn?: Redis;
    maxSessionDelivery?: number;
    packetTTL?: (packet: unknown) => number;
  }

  class AsyncRedisPersistence {
    constructor(opts?: AsyncRedisPersistenceOptions);
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
    createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>;
    addSubscriptions(client: { id: string }, subs: { topic: string; qos: number }[]): Promise<unknown>;
  }

  export = AsyncRedisPersistence;
}
