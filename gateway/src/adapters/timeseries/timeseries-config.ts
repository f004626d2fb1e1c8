import { z } from 'zod';

/** Where time series go. Without `url` they are kept only in the local store (embedded demo). */
export const TimeSeriesConfig = z
  .object({
    url: z.url().optional(),
    /** v2: InfluxDB 2.x/3.x `/api/v2/write` with org and bucket; v1: InfluxDB 1.x `/write` with db and rp. */
    mode: z.enum(['v2', 'v1']).default('v2'),
    token: z.string().min(1).optional(),
    org: z.string().min(1).optional(),
    bucket: z.string().min(1).optional(),
    /** InfluxQL database for history reads and v1 writes; defaults to the bucket (2.x/3.x map it 1:1). */
    db: z.string().min(1).optional(),
    rp: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    batchSize: z.int().min(1).max(50_000).default(5000),
    /** Wait after new points before sending, so they go in one batch. */
    batchDelayMs: z.int().min(0).default(200),
    minRetryDelayMs: z.int().min(1).default(1000),
    maxRetryDelayMs: z
      .int()
      .min(1)
      .default(5 * 60_000),
    timeoutMs: z.int().min(1).default(10_000),
    /** Local store (ts_local) keeps this many days. */
    localRetentionDays: z.int().min(1).default(35),
  })
  .superRefine(function requiredByMode(config, ctx) {
    if (!config.url) return;
    if (config.mode === 'v2') {
      if (!config.org) ctx.addIssue({ code: 'custom', path: ['org'], message: 'INFLUX_ORG is required in v2 mode' });
      if (!config.bucket) {
        ctx.addIssue({ code: 'custom', path: ['bucket'], message: 'INFLUX_BUCKET is required in v2 mode' });
      }
    } else if (!config.db) {
      ctx.addIssue({ code: 'custom', path: ['db'], message: 'INFLUX_DB is required in v1 mode' });
    }
    if (config.minRetryDelayMs > config.maxRetryDelayMs) {
      ctx.addIssue({ code: 'custom', path: ['minRetryDelayMs'], message: 'must not exceed maxRetryDelayMs' });
    }
  });
export type TimeSeriesConfig = z.infer<typeof TimeSeriesConfig>;
export type TimeSeriesConfigInput = z.input<typeof TimeSeriesConfig>;

const ENV: Record<string, keyof TimeSeriesConfigInput> = {
  INFLUX_URL: 'url',
  INFLUX_MODE: 'mode',
  INFLUX_TOKEN: 'token',
  INFLUX_ORG: 'org',
  INFLUX_BUCKET: 'bucket',
  INFLUX_DB: 'db',
  INFLUX_RP: 'rp',
  INFLUX_USERNAME: 'username',
  INFLUX_PASSWORD: 'password',
};

/** Reads `INFLUX_*` variables; empty ones count as unset. */
export function timeSeriesConfigFromEnv(env: Record<string, string | undefined>) {
  const input: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[key] = value;
  }
  return TimeSeriesConfig.safeParse(input);
}

export function influxDatabase(config: TimeSeriesConfig): string | undefined {
  return config.db ?? config.bucket;
}
