import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { DemoCredentials } from '../../broker/src/index.ts';
import { Site } from '../../gateway/src/domain/site.ts';
import { createSiteCredentials, type Logins } from './device-accounts.ts';
import { SimSpaceSensor } from './devices/space-sensor.ts';
import { createRandom } from './random.ts';
import { SimClock } from './sim-clock.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function loadSiteId(index: number): string {
  return `load-${String(index + 1).padStart(3, '0')}`;
}

/** Synthetic sites for load: one sensor-covered zone of `spacesPerSite` spaces and one gate each. */
export function loadSites(sites: number, spacesPerSite: number): Site[] {
  return Array.from({ length: sites }, (_, i): Site => {
    const id = loadSiteId(i);
    const spaces = Array.from({ length: spacesPerSite }, (_, s) => {
      const space = `S${String(s + 1).padStart(4, '0')}`;
      return { id: space, sensor: `sensor-${space}` };
    });
    // Parsed, so the site schema's defaults fill in whatever is not said here.
    return Site.parse({
      id,
      name: `负载小区${i + 1}`,
      households: spacesPerSite,
      zones: [{ id: 'Z', name: '全区', capacity: spacesPerSite, spaces }],
      gates: [
        {
          id: 'main',
          name: '正门',
          lanes: [
            { lane: 'entry', camera: 'cam-in', barrier: 'bar-in', display: 'led-in' },
            { lane: 'exit', camera: 'cam-out', barrier: 'bar-out', display: 'led-out', payTerminal: 'pay-out' },
          ],
        },
      ],
      tariffs: [resolve(repoRoot, 'tariffs/residential-guidance.yaml')],
    });
  });
}

/** A gateway config file for the load sites (tariff paths absolute, so the file may live anywhere). */
export async function writeLoadConfig(dir: string, sites: number, spacesPerSite: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'load-config.yaml');
  await writeFile(file, stringify({ topicRoot: 'parking', sites: loadSites(sites, spacesPerSite) }));
  return file;
}

/** Broker users for the load sites (every sensor its own user) plus gateway, dashboard and bureau. */
export async function loadCredentials(
  sites: number,
  spacesPerSite: number,
  dataDir: string | null = null,
): Promise<DemoCredentials & { logins: Logins }> {
  return createSiteCredentials(loadSites(sites, spacesPerSite), dataDir);
}

export interface LoadOptions {
  brokerUrl: string;
  sites: number;
  spacesPerSite: number;
  /** Space-sensor events per second, all sites together. */
  eventsPerSecond: number;
  durationMs: number;
  /** From `loadCredentials` with the same sites and spacesPerSite. */
  logins: Logins;
  root?: string;
  seed?: string | number;
  /** Sensors connecting at once. */
  connectBatch?: number;
  /** Called with (acknowledged, planned) while running. */
  onProgress?: (done: number, total: number) => void;
}

export interface LoadResult {
  sensors: number;
  /** Events handed to the MQTT clients. */
  published: number;
  /** Events the broker acknowledged (PUBACK). */
  acknowledged: number;
  failed: number;
  /** Real ms from the first publish to the last acknowledgement. */
  elapsedMs: number;
  achievedPerSecond: number;
  connectMs: number;
}

/** Space sensors of many sites, each its own MQTT user, toggling spaces at a chosen total event rate. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const clock = new SimClock({ start: Date.now(), speed: 1 });
  const random = createRandom(options.seed ?? 'load');
  const sensors: SimSpaceSensor[] = [];
  for (const site of loadSites(options.sites, options.spacesPerSite)) {
    for (const space of site.zones[0]!.spaces) {
      sensors.push(
        new SimSpaceSensor({
          brokerUrl: options.brokerUrl,
          login: options.logins.device(site.id, space.sensor!),
          site: site.id,
          deviceId: space.sensor!,
          space: space.id,
          clock,
          root: options.root,
          random: random.fork(`${site.id}/${space.id}`),
        }),
      );
    }
  }
  const connectStart = performance.now();
  const batch = options.connectBatch ?? 50;
  try {
    for (let i = 0; i < sensors.length; i += batch)
      await Promise.all(sensors.slice(i, i + batch).map((s) => s.start()));
    const connectMs = performance.now() - connectStart;
    const total = Math.max(1, Math.round((options.eventsPerSecond * options.durationMs) / 1000));
    let published = 0;
    let acknowledged = 0;
    let failed = 0;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    await new Promise<void>((resolveAll) => {
      const timer = setInterval(function publishDue() {
        const due = Math.min(total, Math.floor(((performance.now() - started) * options.eventsPerSecond) / 1000));
        while (published < due) {
          const sensor = sensors[random.int(0, sensors.length - 1)]!;
          published++;
          inFlight.push(
            sensor.set(!sensor.occupied).then(function counted(sent) {
              if (!sent) {
                failed++;
                return;
              }
              acknowledged++;
              if (acknowledged % 500 === 0) options.onProgress?.(acknowledged, total);
            }),
          );
        }
        if (published >= total) {
          clearInterval(timer);
          resolveAll();
        }
      }, 5);
    });
    await Promise.all(inFlight);
    const elapsedMs = performance.now() - started;
    options.onProgress?.(acknowledged, total);
    return {
      sensors: sensors.length,
      published,
      acknowledged,
      failed,
      elapsedMs,
      achievedPerSecond: (acknowledged * 1000) / Math.max(1, elapsedMs),
      connectMs,
    };
  } finally {
    await Promise.all(sensors.map((s) => s.stop()));
    clock.stop();
  }
}
