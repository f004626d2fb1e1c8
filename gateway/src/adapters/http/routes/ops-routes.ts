import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { validateTariff } from '../../../domain/tariff/index.ts';
import type { Gateway } from '../../../gateway.ts';
import { protocolDocument } from '../../../protocol/index.ts';
import { requireRole } from '../auth.ts';

/** Health, metrics, the device protocol and tariff validation. */
export function opsRoutes(gateway: Gateway): FastifyPluginAsyncZod {
  return async function ops(app) {
    app.get('/healthz', { schema: { tags: ['ops'] } }, async function health(_request, reply) {
      const status = gateway.health();
      return reply.code(status.status === 'ok' ? 200 : 503).send(status);
    });
    app.get('/metrics', { schema: { tags: ['ops'] } }, async function metrics(_request, reply) {
      return reply.type('text/plain; version=0.0.4').send(gateway.metrics.render());
    });
    app.get('/api/protocol', { schema: { tags: ['ops'] } }, async function protocol() {
      return protocolDocument({ root: gateway.options.config.topicRoot });
    });
    app.post(
      '/api/tariffs/validate',
      { preHandler: requireRole(['admin'], 'validate tariffs'), schema: { tags: ['tariff'], body: z.unknown() } },
      async function validate(request) {
        const ceiling = gateway.options.config.guidancePrice;
        const result = validateTariff(request.body, ceiling ? { ceiling } : {});
        // Warnings: legal but most likely not meant (a cap that never binds, …); errors: refused.
        return result.ok
          ? { ok: true, errors: [], warnings: result.warnings }
          : { ok: false, errors: result.errors, warnings: result.warnings };
      },
    );
  };
}
