import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './database.ts';

export const Role = z.enum(['admin', 'staff', 'bureau']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.-]{2,64}$/),
  role: Role,
  /** Sites a staff account may see and act on; `*` for all. Admin and bureau see all sites. */
  sites: z.array(z.string()).default([]),
  displayName: z.string().min(1).max(64),
});
export type User = z.infer<typeof User>;

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Staff, bureau and admin accounts with scrypt password hashes; login tokens are kept only as hashes. */
export class AccountStore {
  constructor(private readonly db: Db) {}

  upsertUser(user: User, password: string): void {
    this.db
      .prepare(
        `INSERT INTO users (username, password_hash, role, sites, display_name) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role,
           sites = excluded.sites, display_name = excluded.display_name`,
      )
      .run(user.username, hashPassword(password), user.role, JSON.stringify(user.sites), user.displayName);
  }

  hasUsers(): boolean {
    return this.db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined;
  }

  getUser(username: string): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      | { username: string; role: Role; sites: string; display_name: string }
      | undefined;
    return row
      ? { username: row.username, role: row.role, sites: JSON.parse(row.sites), displayName: row.display_name }
      : null;
  }

  /** Checks the password; returns the user or null (same answer for unknown user and wrong password). */
  authenticate(username: string, password: string): User | null {
    const row = this.db.prepare('SELECT password_hash FROM users WHERE username = ?').get(username) as
      | { password_hash: string }
      | undefined;
    if (!row) {
      verifyPassword(password, DUMMY_HASH);
      return null;
    }
    return verifyPassword(password, row.password_hash) ? this.getUser(username) : null;
  }

  issueToken(username: string, now: number, ttlMs: number): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + ttlMs;
    this.db.prepare('DELETE FROM auth_tokens WHERE expires_at <= ?').run(now);
    this.db
      .prepare('INSERT INTO auth_tokens (token_hash, username, expires_at) VALUES (?, ?, ?)')
      .run(tokenHash(token), username, expiresAt);
    return { token, expiresAt };
  }

  userForToken(token: string, now: number): User | null {
    const row = this.db
      .prepare('SELECT username FROM auth_tokens WHERE token_hash = ? AND expires_at > ?')
      .get(tokenHash(token), now) as { username: string } | undefined;
    return row ? this.getUser(row.username) : null;
  }

  revokeToken(token: string): void {
    this.db.prepare('DELETE FROM auth_tokens WHERE token_hash = ?').run(tokenHash(token));
  }
}

const DUMMY_HASH = hashPassword('dummy-password-for-timing');
