import type { LoginReply, Role, User } from './types.ts';

const STORAGE_KEY = 'parking.auth';

export type AuthState = { token: string; expiresAt: number; user: User };

let current: AuthState | null = load();
const listeners = new Set<(auth: AuthState | null) => void>();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function load(): AuthState | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as AuthState;
    if (typeof parsed.token !== 'string' || typeof parsed.expiresAt !== 'number' || !parsed.user) return null;
    return parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export function getAuth(): AuthState | null {
  if (current && current.expiresAt <= Date.now()) expire();
  return current;
}

export function setAuth(reply: LoginReply): void {
  current = { token: reply.token, expiresAt: reply.expiresAt, user: reply.user };
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
  // setTimeout overflows past 2^31-1 ms; tokens live 8 h, far below that.
  const wait = Math.min(current.expiresAt - Date.now(), 2_147_000_000);
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
