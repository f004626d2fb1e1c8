import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../errors.ts';
import type { AccountStore, Role, User } from '../sqlite/accounts.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : null;
}

/** Resolves the caller's account from the bearer token (or `?token=` for EventSource). */
export function authenticate(accounts: AccountStore, now: () => number) {
  return async function resolveUser(request: FastifyRequest): Promise<void> {
    const token = bearerToken(request);
    request.user = token ? accounts.userForToken(token, now()) : null;
  };
}

export function canSeeSite(user: User, site: string): boolean {
  if (user.role === 'admin' || user.role === 'bureau') return true;
  return user.sites.includes('*') || user.sites.includes(site);
}

const ROLE_CHECK = Symbol('role check');

/** preHandler: the caller is logged in with one of the roles and, when the route names a site, may see it. */
export function requireRole(roles: Role[], action: string) {
  async function checkRole(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const user = request.user;
    if (!user) throw new Errors.Unauthenticated();
    if (!roles.includes(user.role)) throw new Errors.Forbidden(user.role, action);
    const site = (request.params as Record<string, unknown> | undefined)?.site;
    if (typeof site === 'string' && !canSeeSite(user, site)) throw new Errors.SiteForbidden(site);
  }
  return Object.assign(checkRole, { [ROLE_CHECK]: true });
}

export function isRoleCheck(hook: unknown): boolean {
  return typeof hook === 'function' && ROLE_CHECK in hook;
}

export const READERS: Role[] = ['admin', 'staff', 'bureau'];
export const ACTORS: Role[] = ['admin', 'staff'];
