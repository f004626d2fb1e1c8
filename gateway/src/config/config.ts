import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Site } from '../domain/site.ts';
import { issueProblems } from '../domain/strict-keys.ts';
import { GuidanceCeiling } from '../domain/tariff/tariff.schema.ts';

export const Config = z
  .strictObject({
    /** MQTT topic root (DESIGN §3). */
    topicRoot: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .default('parking'),
    sites: z.array(Site).min(1),
    /** Government guidance price (政府指导价): tariffs above it are refused at start-up. */
    guidancePrice: GuidanceCeiling.optional(),
    evaluation: z
      .object({
        saturationThreshold: z.number().gt(0).lte(1).default(0.85),
      })
      .default({ saturationThreshold: 0.85 }),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    for (const [i, site] of config.sites.entries()) {
      if (seen.has(site.id))
        ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `duplicate site id ${site.id}` });
      seen.add(site.id);
      const devices = new Set<string>();
      for (const [g, gate] of site.gates.entries()) {
        for (const [l, lane] of gate.lanes.entries()) {
          for (const key of ['camera', 'barrier'] as const) {
            if (devices.has(lane[key])) {
              const path = ['sites', i, 'gates', g, 'lanes', l, key];
              ctx.addIssue({ code: 'custom', path, message: `device ${lane[key]} is used by two lanes` });
            }
            devices.add(lane[key]);
          }
        }
      }
      const spaces = new Set<string>();
      for (const [z, zone] of site.zones.entries()) {
        for (const [s, space] of zone.spaces.entries()) {
          if (spaces.has(space.id)) {
            const path = ['sites', i, 'zones', z, 'spaces', s, 'id'];
            ctx.addIssue({ code: 'custom', path, message: `duplicate space ${space.id}` });
          }
          spaces.add(space.id);
        }
      }
    }
  });
export type Config = z.infer<typeof Config>;

/** Endpoints and secrets come from the environment, never from the config file. */
export const Env = z.object({
  MQTT_URL: z.string().url().default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  /** A file holding the password (docker secrets); used when MQTT_PASSWORD is not set. */
  MQTT_PASSWORD_FILE: z.string().optional(),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HTTP_HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  PAYMENT_CALLBACK_SECRET: z.string().min(16).optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
});
export type Env = z.infer<typeof Env>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** A readable list of issues, each naming the field: `sites[0].gates[1].lanes[0].camera: …`. */
export function formatIssues(
  error: z.ZodError,
  source: string,
  within?: { schema: z.ZodType; input: unknown },
): string {
  const lines = error.issues.flatMap((issue) =>
    (within ? issueProblems(issue, within.schema, within.input) : [issue]).map((problem) => {
      const path = problem.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join('');
      return `  ${path || '(root)'}: ${problem.message}`;
    }),
  );
  return `${source} is not valid:\n${lines.join('\n')}`;
}

export function parseConfigText(text: string, source: string): Config {
  let raw: unknown;
  try {
    raw = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `${source} cannot be read as ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, source, { schema: Config, input: raw }));
  return parsed.data;
}

export interface LoadedConfig {
  config: Config;
  /** The config file's folder; tariff paths resolve against it. */
  baseDir: string;
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  return { config: parseConfigText(text, file), baseDir: dirname(resolve(file)) };
}

export function parseEnv(env: Record<string, string | undefined>): Env {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, 'environment'));
  const out = parsed.data;
  if (out.MQTT_PASSWORD === undefined && out.MQTT_PASSWORD_FILE) {
    try {
      out.MQTT_PASSWORD = readFileSync(out.MQTT_PASSWORD_FILE, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(
        `environment is not valid:\n  MQTT_PASSWORD_FILE: cannot read ${out.MQTT_PASSWORD_FILE}: ${(err as Error).message}`,
      );
    }
  }
  return out;
}
