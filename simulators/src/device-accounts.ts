import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialsFor, type DemoCredentials } from '../../broker/src/index.ts';
import type { Site } from '../../gateway/src/domain/site.ts';
import type { Identity } from '../../gateway/src/protocol/index.ts';
import type { DeviceLogin } from './devices/sim-device.ts';

export interface WantedAccount {
  username: string;
  identity: Identity;
}

/** Broker username of a configured device: site and device id, so ids may repeat across sites. */
export function deviceUsername(site: string, device: string): string {
  return `${site}-${device}`;
}

/** One broker user per device of the sites (cameras, barriers, loops, displays, pay terminals, space sensors). */
export function deviceAccountsFor(sites: readonly Site[]): WantedAccount[] {
  const wanted = new Map<string, WantedAccount>();
  function add(site: string, device: string, identity: Identity): void {
    const username = deviceUsername(site, device);
    if (!wanted.has(username)) wanted.set(username, { username, identity });
  }
  for (const site of sites) {
    for (const gate of site.gates) {
      for (const lane of gate.lanes) {
        const at = { site: site.id, gate: gate.id };
        add(site.id, lane.camera, { role: 'camera', ...at, device: lane.camera });
        add(site.id, lane.barrier, { role: 'barrier', ...at, device: lane.barrier });
        add(site.id, lane.display, { role: 'display', ...at, device: lane.display });
        if (lane.loop) add(site.id, lane.loop, { role: 'loop', ...at, device: lane.loop });
        if (lane.payTerminal) add(site.id, lane.payTerminal, { role: 'payTerminal', ...at, device: lane.payTerminal });
      }
    }
    for (const zone of site.zones) {
      for (const space of zone.spaces) {
        if (space.sensor)
          add(site.id, space.sensor, { role: 'spaceSensor', site: site.id, space: space.id, device: space.sensor });
      }
    }
  }
  return [...wanted.values()];
}

/** The site-wide users of a deployment: the gateway (all sites) and read-only dashboard and bureau. */
export const SERVICE_ACCOUNTS: readonly WantedAccount[] = [
  { username: 'gateway', identity: { role: 'gateway', site: '*' } },
  { username: 'dashboard', identity: { role: 'dashboard', site: '*' } },
  { username: 'bureau', identity: { role: 'bureau', site: '*' } },
];

export interface Logins {
  /** Login of a device of a site. */
  device(site: string, device: string): DeviceLogin;
  /** Login of a service account (gateway, dashboard, bureau). */
  service(username: string): DeviceLogin;
}

export function loginsFrom(clients: DemoCredentials['clients']): Logins {
  const byUsername = new Map(clients.map((c) => [c.username, c.password]));
  function login(username: string): DeviceLogin {
    const password = byUsername.get(username);
    if (password === undefined) throw new Error(`no credentials for ${username}`);
    return { username, password };
  }
  return {
    device: (site, device) => login(deviceUsername(site, device)),
    service: login,
  };
}

/** Generate users with fresh passwords for the sites; write the hashed file for the broker into `dataDir`. */
export async function createSiteCredentials(
  sites: readonly Site[],
  dataDir: string | null,
  extra: readonly WantedAccount[] = SERVICE_ACCOUNTS,
): Promise<DemoCredentials & { logins: Logins; credentialsPath: string | null }> {
  const demo = await credentialsFor([...extra, ...deviceAccountsFor(sites)]);
  let credentialsPath: string | null = null;
  if (dataDir !== null) {
    await mkdir(dataDir, { recursive: true });
    credentialsPath = join(dataDir, 'broker-credentials.json');
    await writeFile(credentialsPath, `${JSON.stringify(demo.file, null, 2)}\n`, { mode: 0o600 });
  }
  return { ...demo, logins: loginsFrom(demo.clients), credentialsPath };
}
