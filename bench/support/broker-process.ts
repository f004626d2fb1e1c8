import { readFile } from 'node:fs/promises';
import type { CredentialEntry } from '../../broker/src/credentials.ts';
import { type RateLimitsInput, type RunningBroker, startBroker } from '../../broker/src/index.ts';
import { serveParent } from './child.ts';

let broker: RunningBroker | null = null;

async function start(args: Record<string, unknown>): Promise<{ port: number }> {
  const credentials = JSON.parse(await readFile(String(args.credentialsFile), 'utf8')) as CredentialEntry[];
  broker = await startBroker({
    credentials,
    port: 0,
    wsPort: null,
    host: '127.0.0.1',
    // The fleets are synthetic load (thousands of events a second from each sensor); the flood bench passes its own.
    rateLimits: (args.rateLimits as RateLimitsInput | undefined) ?? { scale: 100_000 },
    log: function brokerLog(entry) {
      if (entry.level === 'error') process.stderr.write(`broker: ${JSON.stringify(entry)}\n`);
    },
  });
  return { port: broker.port };
}

serveParent(
  {
    start,
    stats: (args: Record<string, unknown> = {}) => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (args.collect && gc) gc();
      const memory = process.memoryUsage();
      return { ...broker?.counters(), rssMb: memory.rss / 2 ** 20, heapUsedMb: memory.heapUsed / 2 ** 20 };
    },
  },
  async function stopBroker() {
    await broker?.stop();
    broker = null;
  },
);
