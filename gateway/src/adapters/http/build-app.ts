import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Gateway } from '../../gateway.ts';
import { authenticate, isRoleCheck } from './auth.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { opsRoutes } from './routes/ops-routes.ts';
import { publicRoutes } from './routes/public-routes.ts';
import { registryRoutes } from './routes/registry-routes.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';

export interface AppOptions {
  gateway: Gateway;
  /** Secret for signed payment callbacks; absent = callbacks refused. */
  paymentSecret?: string | undefined;
  /** Folder with the built dashboard; served at `/` when it exists. */
  dashboardDir?: string | undefined;
  logger?: boolean;
  /**
   * Real time for what the outside world times: login tokens and signed callbacks. The gateway's own clock may run
   * accelerated (demo) or by hand (tests), so it is not used for these.
   */
  wallClock?: { now(): number };
  /** Extra route plugins (reports, registry) registered with the same services. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

/** The HTTP app without `listen()`, so tests use `inject()` (fastify's testing guide). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const { gateway } = opts;
  const wall = opts.wallClock ?? { now: () => Date.now() };
  const now = () => wall.now();

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
      },
    },
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: '小区智能停车网关 API · Smart-parking gateway API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());

  app.decorateRequest('user', null);
  app.addHook('onRequest', authenticate(gateway.accounts, now));
  // Role checks run before the body is read and validated: a stranger gets 401, never a 400 describing the schema.
  app.addHook('onRoute', function checkRolesFirst(route) {
    const pre = [route.preHandler ?? []].flat();
    const checks = pre.filter(isRoleCheck);
    if (checks.length === 0) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), ...checks] as typeof route.onRequest;
    route.preHandler = pre.filter((hook) => !isRoleCheck(hook)) as typeof route.preHandler;
  });

  app.setErrorHandler(function handleError(error: FastifyError, request, reply) {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const detail = error.validation
        .map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(body)'}: ${v.message}`)
        .join('; ');
      gateway.metrics.inc('http_bad_requests_total', { route: request.routeOptions.url ?? 'unknown' });
      return reply.code(400).send({
        statusCode: 400,
        code: 'ERR_VALIDATION',
        error: 'Bad Request',
        message: `${error.validationContext ?? 'request'} is not valid: ${detail}`,
      });
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({
      statusCode: status,
      code: error.code ?? 'ERR_INTERNAL',
      error: status >= 500 ? 'Internal Server Error' : (error.name ?? 'Error'),
      message: status >= 500 ? 'internal error' : error.message,
    });
  });

  await app.register(authRoutes(gateway, wall));
  await app.register(publicRoutes(gateway));
  await app.register(liveRoutes(gateway));
  await app.register(sessionRoutes(gateway, opts.paymentSecret, wall));
  await app.register(opsRoutes(gateway));
  await app.register(registryRoutes(gateway));
  await app.register(reportRoutes(gateway));
  for (const plugin of opts.plugins ?? []) await plugin(app);

  const dashboardDir = opts.dashboardDir ?? resolve(import.meta.dirname, '../../../../dashboard/dist');
  if (existsSync(dashboardDir)) {
    await app.register(fastifyStatic, { root: dashboardDir, prefix: '/', wildcard: false });
    app.setNotFoundHandler(function spaFallback(request, reply) {
      if (
        request.method === 'GET' &&
        !request.url.startsWith('/api') &&
        request.headers.accept?.includes('text/html')
      ) {
        return reply.sendFile('index.html');
      }
      return reply
        .code(404)
        .send({ statusCode: 404, code: 'ERR_NOT_FOUND', error: 'Not Found', message: `${request.url} not found` });
    });
  }
  return app;
}
