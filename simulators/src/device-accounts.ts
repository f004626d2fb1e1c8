import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialsFor, DEMO_PASSWORDS_FILE, type DemoCredentials } from '../../broker/src/index.ts';
import {
  bySiteAndDevice,
  deviceAccounts,
  SERVICE_ACCOUNTS,
  type WantedAccount,
} from '../../gateway/src/config/device-identities.ts';
import type { Site } from '../../gateway/src/domain/site.ts';
import type { DeviceLogin } from './devices/sim-device.ts';

export type { WantedAccount } from '../../gateway/src/config/device-identities.ts';
export { SERVICE_ACCOUNTS } from '../../gateway/src/config/device-identities.ts';

/** Broker username of a configured device: site and device id, so ids may repeat across sites. */
export function deviceUsername(site: string, device: string): string {
  return bySiteAndDevice(site, device);
}

/** One broker user per device of the sites, named `{site}-{device}`. */
export function deviceAccountsFor(sites: readonly Site[]): WantedAccount[] {
  return deviceAccounts(sites, bySiteAndDevice);
}

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
): Promise<DemoCredentials & { logins: Logins; credentialsPath: string | null; passwordsPath: string | null }> {
  const demo = await credentialsFor([...extra, ...deviceAccountsFor(sites)]);
  let credentialsPath: string | null = null;
  let passwordsPath: string | null = null;
  if (dataDir !== null) {
    await mkdir(dataDir, { recursive: true });
    credentialsPath = join(dataDir, 'broker-credentials.json');
    await writeFile(credentialsPath, `${JSON.stringify(demo.file, null, 2)}\n`, { mode: 0o600 });
    // The logins an outside device (a real camera, mosquitto_pub) needs to join the demo: owner-only, like a key.
    passwordsPath = join(dataDir, DEMO_PASSWORDS_FILE);
    await writeFile(passwordsPath, `${JSON.stringify({ clients: demo.clients }, null, 2)}\n`, { mode: 0o600 });
  }
  return { ...demo, logins: loginsFrom(demo.clients), credentialsPath, passwordsPath };
}
