import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashPasswordSync, verifyPassword } from '../password.ts';
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
      .run(user.username, hashPasswordSync(password), user.role, JSON.stringify(user.sites), user.displayName);
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

  /**
   * Checks the password off the event loop (async scrypt); returns the user or null, with the same work and answer
   * for an unknown user and a wrong password.
   */
  async authenticate(username: string, password: string): Promise<User | null> {
    const row = this.db.prepare('SELECT password_hash FROM users WHERE username = ?').get(username) as
      | { password_hash: string }
      | undefined;
    if (!row) {
      await verifyPassword(password, DUMMY_HASH);
      return null;
    }
    return (await verifyPassword(password, row.password_hash)) ? this.getUser(username) : null;
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

const DUMMY_HASH = hashPasswordSync('dummy-password-for-timing');
