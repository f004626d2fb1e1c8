import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Gateway } from '../../../gateway.ts';
import { Errors } from '../../errors.ts';
import { User } from '../../sqlite/accounts.ts';
import { bearerToken, READERS, requireRole } from '../auth.ts';

export const TOKEN_TTL_MS = 8 * 3600_000;

const Login = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

export function authRoutes(gateway: Gateway, wall: { now(): number }): FastifyPluginAsyncZod {
  return async function auth(app) {
    const now = () => wall.now();
    app.post(
      '/api/auth/login',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          body: Login,
          response: { 200: z.object({ token: z.string(), expiresAt: z.number(), ttlMs: z.number(), user: User }) },
        },
      },
      async function login(request) {
        const user = await gateway.accounts.authenticate(request.body.username, request.body.password);
        if (!user) {
          gateway.metrics.inc('http_login_failures_total');
          throw new Errors.BadCredentials();
        }
        const issued = gateway.accounts.issueToken(user.username, now(), TOKEN_TTL_MS);
        gateway.ledger.audit({
          at: now(),
          actor: user.username,
          action: 'login',
          site: null,
          target: null,
          reason: null,
          detail: null,
        });
        return { ...issued, ttlMs: TOKEN_TTL_MS, user };
      },
    );
    app.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async function logout(request, reply) {
      const token = bearerToken(request);
      if (token) gateway.accounts.revokeToken(token);
      return reply.code(204).send();
    });
    app.get(
      '/api/auth/me',
      { preHandler: requireRole(READERS, 'read'), schema: { tags: ['auth'], response: { 200: User } } },
      async function me(request) {
        return request.user!;
      },
    );
  };
}
