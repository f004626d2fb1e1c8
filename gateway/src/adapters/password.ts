import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/** scrypt parameters: N (cost, a power of two), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
/** Cheap enough to hash a thousand demo devices at start-up; for the demo's generated passwords only. */
export const DEMO_SCRYPT_COST: ScryptCost = { N: 1024, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,128})\$([A-Za-z0-9_-]{16,256})$/;

export interface ParsedPasswordHash extends ScryptCost {
  salt: Buffer;
  hash: Buffer;
}

/** Parse `scrypt$N$r$p$salt$hash` (salt and hash base64url), or null when malformed or too costly. */
export function parsePasswordHash(encoded: string): ParsedPasswordHash | null {
  const m = HASH_PATTERN.exec(encoded);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { N, r, p, salt: Buffer.from(m[4]!, 'base64url'), hash: Buffer.from(m[5]!, 'base64url') };
}

function derive(password: string | Buffer, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  return new Promise(function deriveKey(resolve, reject) {
    const maxmem = 256 * cost.N * cost.r + 1024 * 1024;
    scrypt(password, salt, keyLength, { ...cost, maxmem }, function derived(err, key) {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/** Hash a password with a random salt, as `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The same hash, computed synchronously: for the rare account writes, never on a request path. */
export function hashPasswordSync(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): string {
  const salt = randomBytes(SALT_BYTES);
  const key = scryptSync(password, salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string | Buffer, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}
