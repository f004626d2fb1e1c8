import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DemoClient } from '../../broker/src/index.ts';
import { loadConfigFile } from '../../gateway/src/config/config.ts';
import { createSiteCredentials, type Logins, loginsFrom } from './device-accounts.ts';

export const PASSWORDS_FILE = 'sim-passwords.json';
/** The gateway's own broker password, alone in a file, for MQTT_PASSWORD_FILE. */
export const GATEWAY_PASSWORD_FILE = 'gateway-mqtt.password';
export const SimPasswordsFile = z.object({ clients: z.array(DemoClient) });

/** Write broker-credentials.json (hashes, for the broker) and sim-passwords.json (plain, 0600) for a config. */
export async function writeSiteCredentials(
  configFile: string,
  outDir: string,
): Promise<{ credentialsPath: string; passwordsPath: string }> {
  const { config } = loadConfigFile(configFile);
  const creds = await createSiteCredentials(config.sites, outDir);
  await mkdir(outDir, { recursive: true });
  const passwordsPath = join(outDir, PASSWORDS_FILE);
  await writeFile(passwordsPath, `${JSON.stringify({ clients: creds.clients }, null, 2)}\n`, { mode: 0o600 });
  await chmod(passwordsPath, 0o600);
  const gateway = creds.clients.find((c) => c.username === 'gateway');
  if (gateway) await writeFile(join(outDir, GATEWAY_PASSWORD_FILE), gateway.password, { mode: 0o600 });
  return { credentialsPath: creds.credentialsPath!, passwordsPath };
}

export async function readSimPasswords(path: string): Promise<Logins & { gatewayPassword: string }> {
  const parsed = SimPasswordsFile.parse(JSON.parse(await readFile(path, 'utf8')));
  const logins = loginsFrom(parsed.clients);
  return { ...logins, gatewayPassword: logins.service('gateway').password };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [configFile = 'config/demo.yaml', outDir = process.env.DATA_DIR ?? './data'] = process.argv.slice(2);
  const { credentialsPath, passwordsPath } = await writeSiteCredentials(configFile, outDir);
  process.stdout.write(`broker users (hashes): ${credentialsPath}\nplain passwords (keep private): ${passwordsPath}\n`);
}
