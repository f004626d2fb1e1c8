import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Id, type Identity } from '../../gateway/src/protocol/index.ts';
import type { CredentialEntry, CredentialsFile } from './credentials.ts';
import { BrokerError } from './errors.ts';
import { DEMO_SCRYPT_COST, hashPassword, type ScryptCost } from './password.ts';

export const GateDeviceKind = z.enum(['camera', 'barrier', 'loop', 'display', 'payTerminal']);
export type GateDeviceKind = z.infer<typeof GateDeviceKind>;

/** What the demo community has: sites with their gates (and the devices at each gate) and spaces with sensors. */
export const DemoPlan = z.object({
  sites: z.array(
    z.object({
      site: Id,
      gates: z
        .array(
          z.object({
            gate: Id,
            devices: z.array(GateDeviceKind).default(['camera', 'barrier', 'loop', 'display', 'payTerminal']),
          }),
        )
        .default([]),
      spaces: z.array(Id).default([]),
    }),
  ),
});
export type DemoPlan = z.input<typeof DemoPlan>;

/** One generated MQTT user: the username is also the client id and, for a device, its device id. */
export const DemoClient = z.object({ username: Id, password: z.string(), identity: z.custom<Identity>() });
export type DemoClient = z.infer<typeof DemoClient>;

export interface DemoCredentials {
  /** Goes to the broker (hashes only). */
  file: CredentialsFile;
  /** Plain passwords, for the demo's simulators only. */
  clients: DemoClient[];
}

/** Demo device id (= username) of a gate device, e.g. `lvyuan-north-camera`. */
export function demoGateDeviceId(site: string, gate: string, kind: GateDeviceKind): string {
  return `${site}-${gate}-${kind}`;
}

/** Demo device id (= username) of a space sensor, e.g. `lvyuan-space-B1-017`. */
export function demoSpaceSensorId(site: string, space: string): string {
  return `${site}-space-${space}`;
}

function checkedId(id: string): string {
  if (!Id.safeParse(id).success) {
    throw new BrokerError('ERR_BROKER_DEMO_PLAN', `demo username "${id}" is not a valid id (1–64 of A–Z a–z 0–9 _ -)`);
  }
  return id;
}

/** Users `gateway`, `dashboard`, `bureau` (all sites) and one per device, each with a fresh random password. */
export async function generateDemoCredentials(
  plan: DemoPlan,
  cost: ScryptCost = DEMO_SCRYPT_COST,
): Promise<DemoCredentials> {
  const parsed = DemoPlan.safeParse(plan);
  if (!parsed.success) throw new BrokerError('ERR_BROKER_DEMO_PLAN', z.prettifyError(parsed.error));
  const wanted: { username: string; identity: Identity }[] = [
    { username: 'gateway', identity: { role: 'gateway', site: '*' } },
    { username: 'dashboard', identity: { role: 'dashboard', site: '*' } },
    { username: 'bureau', identity: { role: 'bureau', site: '*' } },
  ];
  for (const { site, gates, spaces } of parsed.data.sites) {
    for (const { gate, devices } of gates) {
      for (const role of devices) {
        const device = checkedId(demoGateDeviceId(site, gate, role));
        wanted.push({ username: device, identity: { role, site, gate, device } });
      }
    }
    for (const space of spaces) {
      const device = checkedId(demoSpaceSensorId(site, space));
      wanted.push({ username: device, identity: { role: 'spaceSensor', site, space, device } });
    }
  }
  return credentialsFor(wanted, cost);
}

/** Users for the given identities, each with a fresh random password; the broker file holds only hashes. */
export async function credentialsFor(
  wanted: { username: string; identity: Identity }[],
  cost: ScryptCost = DEMO_SCRYPT_COST,
): Promise<DemoCredentials> {
  const names = new Set(wanted.map((w) => checkedId(w.username)));
  if (names.size !== wanted.length) throw new BrokerError('ERR_BROKER_DEMO_PLAN', 'the plan repeats a username');
  const clients = wanted.map((w) => ({ ...w, password: randomBytes(18).toString('base64url') }));
  const users = await Promise.all(
    clients.map(async function entryOf(c): Promise<CredentialEntry> {
      return { username: c.username, passwordHash: await hashPassword(c.password, cost), ...c.identity };
    }),
  );
  return { file: { users }, clients };
}

export const DEMO_CREDENTIALS_FILE = 'broker-credentials.json';
export const DEMO_PASSWORDS_FILE = 'demo-device-passwords.json';

/** Generate demo credentials and write both files (mode 0600) into `dataDir`. */
export async function writeDemoCredentials(
  dataDir: string,
  plan: DemoPlan,
  cost: ScryptCost = DEMO_SCRYPT_COST,
): Promise<DemoCredentials & { credentialsPath: string; passwordsPath: string }> {
  const demo = await generateDemoCredentials(plan, cost);
  await mkdir(dataDir, { recursive: true });
  const credentialsPath = join(dataDir, DEMO_CREDENTIALS_FILE);
  const passwordsPath = join(dataDir, DEMO_PASSWORDS_FILE);
  for (const [path, content] of [
    [credentialsPath, demo.file],
    [passwordsPath, { clients: demo.clients }],
  ] as const) {
    await writeFile(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await chmod(path, 0o600);
  }
  return { ...demo, credentialsPath, passwordsPath };
}
