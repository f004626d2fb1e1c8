import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { type CredentialEntry, DEMO_SCRYPT_COST, hashPassword } from '../../broker/src/index.ts';
import type { Identity } from '../../gateway/src/protocol/index.ts';

const repo = resolve(import.meta.dirname, '../..');

/** The shape of a benchmark deployment: `sites` communities of `spacesPerSite` sensored spaces each. */
export interface Layout {
  sites: number;
  spacesPerSite: number;
  /** Spaces per zone (the last zone of a site takes the rest). */
  zoneSize?: number;
}

export interface SensorRef {
  site: string;
  space: string;
  device: string;
}

/** Every device of a benchmark site has the site in its id, so ids are broker usernames too. */
export function siteId(index: number): string {
  return `b${String(index + 1).padStart(3, '0')}`;
}

export function spaceId(index: number): string {
  return `P${String(index + 1).padStart(6, '0')}`;
}

export function laneDevices(site: string) {
  return {
    entry: { camera: `${site}-cam-in`, barrier: `${site}-bar-in`, display: `${site}-led-in` },
    exit: { camera: `${site}-cam-out`, barrier: `${site}-bar-out`, display: `${site}-led-out` },
  };
}

export function sensorsOf(layout: Layout): SensorRef[] {
  const out: SensorRef[] = [];
  for (let s = 0; s < layout.sites; s++) {
    const site = siteId(s);
    for (let k = 0; k < layout.spacesPerSite; k++) {
      const space = spaceId(k);
      out.push({ site, space, device: `${site}-${space}` });
    }
  }
  return out;
}

function siteConfig(index: number, layout: Layout): Record<string, unknown> {
  const site = siteId(index);
  const zoneSize = layout.zoneSize ?? 250;
  const zones: Record<string, unknown>[] = [];
  for (let first = 0, z = 0; first < layout.spacesPerSite; first += zoneSize, z++) {
    const count = Math.min(zoneSize, layout.spacesPerSite - first);
    const spaces = Array.from({ length: count }, (_, k) => {
      const space = spaceId(first + k);
      return { id: space, sensor: `${site}-${space}` };
    });
    zones.push({ id: `Z${z + 1}`, name: `${z + 1}区`, capacity: count, spaces });
  }
  const lanes = laneDevices(site);
  return {
    id: site,
    name: `基准小区${index + 1}`,
    households: layout.spacesPerSite,
    tariffs: [resolve(repo, 'tariffs/residential-guidance.yaml')],
    policies: { visitorReserve: 0 },
    zones,
    gates: [
      {
        id: 'main',
        name: '正门',
        lanes: [
          { lane: 'entry', ...lanes.entry },
          { lane: 'exit', ...lanes.exit },
        ],
      },
    ],
  };
}

/**
 * Writes a gateway config for the layout into `dir` (tariff path absolute); returns the file. YAML as deployed, or
 * JSON (the gateway reads both) where a 100k-space file would spend seconds in the YAML parser.
 */
export async function writeGatewayConfig(
  dir: string,
  layout: Layout,
  format: 'yaml' | 'json' = 'yaml',
): Promise<string> {
  const file = join(dir, `bench-${layout.sites}x${layout.spacesPerSite}.${format}`);
  const config = { topicRoot: 'parking', sites: Array.from({ length: layout.sites }, (_, i) => siteConfig(i, layout)) };
  await writeFile(file, format === 'json' ? JSON.stringify(config) : stringify(config));
  return file;
}

/** A site the gateway does not serve: the raw round trip runs on its topics. */
export const RTT_SITE = 'rtt';
export const RTT = {
  camera: 'rtt-cam',
  barrier: 'rtt-bar',
  echo: 'rtt-echo',
  plateTopic: `parking/${RTT_SITE}/gate/g/plate`,
  commandTopic: `parking/${RTT_SITE}/gate/g/barrier/command`,
} as const;

export const BENCH_PASSWORD = 'bench-password-0123456789';

/**
 * Broker users for the layout: every sensor, the lane devices, the gateway, a raw sink (gateway role, so it may
 * subscribe to every site) and the round-trip trio on the site nobody serves. One password, hashed once, cheaply.
 */
export async function brokerUsers(layout: Layout): Promise<CredentialEntry[]> {
  const passwordHash = await hashPassword(BENCH_PASSWORD, DEMO_SCRYPT_COST);
  const users: CredentialEntry[] = [];
  const add = (username: string, identity: Identity) => users.push({ username, passwordHash, ...identity });
  add('gateway', { role: 'gateway', site: '*' });
  add('raw-sink', { role: 'gateway', site: '*' });
  add(RTT.camera, { role: 'camera', site: RTT_SITE, gate: 'g', device: RTT.camera });
  add(RTT.barrier, { role: 'barrier', site: RTT_SITE, gate: 'g', device: RTT.barrier });
  add(RTT.echo, { role: 'gateway', site: RTT_SITE });
  for (let s = 0; s < layout.sites; s++) {
    const site = siteId(s);
    const lanes = laneDevices(site);
    for (const lane of [lanes.entry, lanes.exit]) {
      add(lane.camera, { role: 'camera', site, gate: 'main', device: lane.camera });
      add(lane.barrier, { role: 'barrier', site, gate: 'main', device: lane.barrier });
      add(lane.display, { role: 'display', site, gate: 'main', device: lane.display });
    }
  }
  for (const sensor of sensorsOf(layout)) {
    add(sensor.device, { role: 'spaceSensor', site: sensor.site, space: sensor.space, device: sensor.device });
  }
  return users;
}
