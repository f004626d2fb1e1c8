import type { Site } from '../domain/site.ts';
import type { Identity } from '../protocol/index.ts';
import type { Config } from './config.ts';

export interface WantedAccount {
  username: string;
  identity: Identity;
}

/** The site-wide users of a deployment: the gateway (all sites) and the read-only dashboard and bureau. */
export const SERVICE_ACCOUNTS: readonly WantedAccount[] = [
  { username: 'gateway', identity: { role: 'gateway', site: '*' } },
  { username: 'dashboard', identity: { role: 'dashboard', site: '*' } },
  { username: 'bureau', identity: { role: 'bureau', site: '*' } },
];

/** Usernames: the device id, or `{site}-{device}` when device ids repeat across sites. */
export type Naming = (site: string, device: string) => string;
export const byDevice: Naming = (_site, device) => device;
export const bySiteAndDevice: Naming = (site, device) => `${site}-${device}`;

/** One broker user per configured device (cameras, barriers, loops, displays, pay terminals, space sensors). */
export function deviceAccounts(sites: readonly Site[], naming: Naming = byDevice): WantedAccount[] {
  const wanted = new Map<string, WantedAccount>();
  function add(site: string, device: string, identity: Identity): void {
    const username = naming(site, device);
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
        if (space.sensor) {
          add(site.id, space.sensor, { role: 'spaceSensor', site: site.id, space: space.id, device: space.sensor });
        }
      }
    }
  }
  return [...wanted.values()];
}

/** Every MQTT identity a deployment needs: the service accounts and one per device, named by device id. */
export function deviceIdentities(config: Pick<Config, 'sites'>): WantedAccount[] {
  return [...SERVICE_ACCOUNTS, ...deviceAccounts(config.sites)];
}
