import type { LoginReply, Role, User } from './types.ts';

const STORAGE_KEY = 'parking.auth';

/**
 * `expiresAt` is on the gateway's clock, which in the demo runs accelerated, so it cannot be compared with the
 * browser's; the reply's `ttlMs` can. `localExpiresAt` is the browser-clock expiry: browser time at login + `ttlMs`.
 */
export type AuthState = { token: string; expiresAt: number; localExpiresAt: number; user: User };

let current: AuthState | null = load();
const listeners = new Set<(auth: AuthState | null) => void>();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function load(): AuthState | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as AuthState;
    if (typeof parsed.token !== 'string' || !parsed.user) return null;
    return typeof parsed.localExpiresAt === 'number' && parsed.localExpiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export function getAuth(): AuthState | null {
  if (current && current.localExpiresAt <= Date.now()) expire();
  return current;
}

export function setAuth(reply: LoginReply): void {
  current = {
    token: reply.token,
    expiresAt: reply.expiresAt,
    localExpiresAt: Date.now() + reply.ttlMs,
    user: reply.user,
  };
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
  if (!current) return;
  const wait = current.localExpiresAt - Date.now();
  expiryTimer = setTimeout(
    function expireToken() {
      expire();
    },
    Math.min(2 ** 31 - 1, Math.max(0, wait)),
  );
}

scheduleExpiry();

export function can(role: Role | undefined, action: 'act' | 'admin' | 'evaluate'): boolean {
  if (!role) return false;
  if (action === 'admin') return role === 'admin';
  if (action === 'act') return role === 'admin' || role === 'staff';
  return role === 'admin' || role === 'bureau';
}
