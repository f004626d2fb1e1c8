import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Id, Identity } from '../../gateway/src/protocol/index.ts';
import { BrokerError } from './errors.ts';
import { parsePasswordHash } from './password.ts';

export const PasswordHash = z
  .string()
  .refine((s) => parsePasswordHash(s) !== null, 'must be scrypt$N$r$p$salt$hash (make one with hash-password.ts)');

/** One MQTT user: its password hash and the identity it is bound to (role, site, gate/space, device). */
export const CredentialEntry = z.object({ username: Id, passwordHash: PasswordHash }).and(Identity);
export type CredentialEntry = z.infer<typeof CredentialEntry>;

export const CredentialsFile = z
  .object({ users: z.array(CredentialEntry).max(1_000_000) })
  .refine(hasUniqueUsernames, { message: 'usernames must be unique', path: ['users'] });
export type CredentialsFile = z.infer<typeof CredentialsFile>;

function hasUniqueUsernames(file: { users: { username: string }[] }): boolean {
  return new Set(file.users.map((u) => u.username)).size === file.users.length;
}

/** Parse a credentials file (YAML or JSON; JSON is YAML). Throws `ERR_BROKER_CREDENTIALS` naming the bad field. */
export function parseCredentials(text: string, source = 'credentials'): CredentialEntry[] {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new BrokerError('ERR_BROKER_CREDENTIALS', `${source}: not YAML/JSON: ${(err as Error).message}`);
  }
  const parsed = CredentialsFile.safeParse(data);
  if (!parsed.success) {
    throw new BrokerError('ERR_BROKER_CREDENTIALS', `${source}:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data.users;
}

export async function loadCredentials(path: string): Promise<CredentialEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BrokerError('ERR_BROKER_CREDENTIALS', `cannot read ${path}: ${(err as Error).message}`);
  }
  return parseCredentials(text, path);
}

/** The identity part of an entry, without username and hash. */
export function identityOf(entry: CredentialEntry): Identity {
  const { username: _u, passwordHash: _p, ...identity } = entry;
  return Identity.parse(identity);
}

/** A client id must be the username, or the username followed by `-` and anything. */
export function clientIdMatches(username: string, clientId: string): boolean {
  return clientId === username || clientId.startsWith(`${username}-`);
}
