import { z } from 'zod';
import { failLoudly } from '../../gateway/src/adapters/process-guard.ts';
import { startBroker } from './broker.ts';
import { startClusterBroker } from './cluster.ts';
import { loadCredentials } from './credentials.ts';
import { QueueLimits } from './outgoing-queues.ts';
import { RateLimits } from './rate-limit.ts';

const Port = z.coerce.number().int().min(0).max(65_535);

const jsonSetting = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

const Env = z.object({
  MQTT_PORT: Port.default(1883),
  MQTT_WS_PORT: Port.default(8083),
  MQTT_HOST: z.string().default('0.0.0.0'),
  MQTT_TOPIC_ROOT: z.string().default('parking'),
  MQTT_MAX_PACKET_SIZE: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  BROKER_CREDENTIALS: z.string({ error: 'BROKER_CREDENTIALS must name the credentials file (YAML or JSON)' }).min(1),
  /** Set: this instance joins a cluster sharing sessions, queues and retained messages through this Redis. */
  BROKER_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Per-device publish budgets as JSON, e.g. {"rates":{"spaceSensor":{"perSecond":0.5,"burst":20}}}. */
  BROKER_RATE_LIMITS: jsonSetting.pipe(RateLimits),
  /** Bounds of persistent subscribers' queues as JSON, e.g. {"maxTelemetryPerClient":50000}. */
  BROKER_QUEUE_LIMITS: jsonSetting.pipe(QueueLimits),
});

async function main(): Promise<void> {
  failLoudly('broker');
  const env = Env.safeParse(process.env);
  if (!env.success) {
    process.stderr.write(`broker configuration:\n${z.prettifyError(env.error)}\n`);
    process.exit(2);
  }
  const { BROKER_CREDENTIALS: credentialsPath } = env.data;
  const credentials = await loadCredentials(credentialsPath);
  const options = {
    port: env.data.MQTT_PORT,
    wsPort: env.data.MQTT_WS_PORT,
    host: env.data.MQTT_HOST,
    root: env.data.MQTT_TOPIC_ROOT,
    limits: { maxPacketSize: env.data.MQTT_MAX_PACKET_SIZE },
    rateLimits: env.data.BROKER_RATE_LIMITS,
    queues: env.data.BROKER_QUEUE_LIMITS,
    credentials,
  };
  const redisUrl = env.data.BROKER_REDIS_URL;
  const broker = redisUrl ? await startClusterBroker({ ...options, redisUrl }) : await startBroker(options);

  process.on('SIGHUP', function reloadCredentials() {
    loadCredentials(credentialsPath).then(broker.setCredentials, function reloadFailed(err: Error) {
      process.stderr.write(`credentials not reloaded: ${err.message}\n`);
    });
  });
  function shutdown(): void {
    broker.stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`broker stop failed: ${err.stack ?? err.message}\n`);
        process.exit(1);
      },
    );
  }
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch(function fatal(err: Error & { code?: string }) {
  process.stderr.write(`broker failed to start${err.code ? ` (${err.code})` : ''}: ${err.message}\n`);
  process.exit(1);
});
