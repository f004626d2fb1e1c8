import type { LoginReply, Role, User } from './types.ts';

const STORAGE_KEY = 'parking.auth';

/**
 * `expiresAt` is on the gateway's clock, which in the demo runs accelerated, so it cannot be compared with the
 * browser's. `localExpiresAt` is the browser-clock expiry when the reply looks like wall-clock time, else null and
 * the server's 401 ends the session.
 */
export type AuthState = { token: string; expiresAt: number; localExpiresAt: number | null; user: User };

const MAX_PLAUSIBLE_TTL_MS = 24 * 3_600_000;

function localExpiry(expiresAt: number, now: number): number | null {
  const ttl = expiresAt - now;
  return ttl > 0 && ttl <= MAX_PLAUSIBLE_TTL_MS ? expiresAt : null;
}

let current: AuthState | null = load();
const listeners = new Set<(auth: AuthState | null) => void>();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function load(): AuthState | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as AuthState;
    if (typeof parsed.token !== 'string' || !parsed.user) return null;
    return parsed.localExpiresAt === null || parsed.localExpiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export function getAuth(): AuthState | null {
  if (current?.localExpiresAt && current.localExpiresAt <= Date.now()) expire();
  return current;
}

export function setAuth(reply: LoginReply): void {
  const localExpiresAt = localExpiry(reply.expiresAt, Date.now());
  current = { token: reply.token, expiresAt: reply.expiresAt, localExpiresAt, user: reply.user };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(current));
  scheduleExpiry();
  notify();
}

export function clearAuth(): void {
  current = null;
  sessionStorage.removeItem(STORAGE_KEY);
  clearTimeout(expiryTimer);
  notify();
}

let expiredFlag = false;

/** The token ran out or the server refused it: drop it and remember to tell the user on the login page. */
export function expire(): void {
  expiredFlag = true;
  clearAuth();
}

export function takeExpiredFlag(): boolean {
  const was = expiredFlag;
  expiredFlag = false;
  return was;
}

export function onAuthChange(listener: (auth: AuthState | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener(current);
}

function scheduleExpiry(): void {
  clearTimeout(expiryTimer);
  if (!current?.localExpiresAt) return;
  const wait = current.localExpiresAt - Date.now();
  expiryTimer = setTimeout(
    function expireToken() {
      expire();
    },
    Math.max(0, wait),
  );
}

scheduleExpiry();

export function can(role: Role | undefined, action: 'act' | 'admin' | 'evaluate'): boolean {
  if (!role) return false;
  if (action === 'admin') return role === 'admin';
  if (action === 'act') return role === 'admin' || role === 'staff';
  return role === 'admin' || role === 'bureau';
}
