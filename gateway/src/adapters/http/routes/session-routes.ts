import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizePlate } from '../../../domain/plate/index.ts';
import type { Gateway } from '../../../gateway.ts';
import { Errors } from '../../errors.ts';
import { ACTORS, READERS, requireRole } from '../auth.ts';
import { Paging, SiteParams, siteOf } from './route-helpers.ts';

const SessionQuery = z.object({
  plate: z.string().max(16).optional(),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  status: z.enum(['open', 'closed']).optional(),
  ...Paging,
});
const SessionParams = SiteParams.extend({ id: z.string().min(1).max(64) });
const ManualOpen = z.object({
  lane: z.enum(['entry', 'exit']),
  reason: z.string().trim().min(2, 'a reason is required').max(500),
  plate: z.string().max(16).optional(),
});
const StaffCharge = z.object({
  /** The client's key for this charge: the same key again (a retried request) is applied once. */
  paymentId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64'),
  amountFen: z.number().int().min(1).max(100_000_000),
  method: z.enum(['cash', 'wechat', 'alipay', 'unionpay', 'etc']),
  reason: z.string().trim().max(500).optional(),
});
const GateParams = SiteParams.extend({ gate: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const Callback = z.object({
  paymentId: z.string().min(1).max(128),
  site: z.string().min(1).max(64),
  sessionId: z.string().min(1).max(64).nullable().default(null),
  plate: z.string().min(2).max(16).nullable().default(null),
  amountFen: z.number().int().min(1).max(100_000_000),
  method: z.enum(['wechat', 'alipay', 'unionpay', 'etc', 'cash']),
});

/** How long a signed callback stays acceptable; older ones are replays. */
export const CALLBACK_WINDOW_MS = 5 * 60_000;

export function signCallback(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export function sessionRoutes(
  gateway: Gateway,
  paymentSecret: string | undefined,
  wall: { now(): number },
): FastifyPluginAsyncZod {
  return async function sessions(app) {
    const now = () => gateway.options.clock.now();
    const read = { preHandler: requireRole(READERS, 'read') };
    const act = { preHandler: requireRole(ACTORS, 'act on a site') };

    app.get(
      '/api/sites/:site/sessions',
      { ...read, schema: { tags: ['sessions'], params: SiteParams, querystring: SessionQuery } },
      async function search(request) {
        siteOf(gateway, request.params.site);
        const q = request.query;
        const plate = q.plate ? normalizePlate(q.plate).plate || q.plate : undefined;
        const result = gateway.ledger.searchSessions(request.params.site, { ...q, plate });
        return { total: result.total, items: result.items.map(({ breakdown: _b, ...s }) => s) };
      },
    );

    app.get(
      '/api/sites/:site/sessions/:id',
      { ...read, schema: { tags: ['sessions'], params: SessionParams } },
      async function detail(request) {
        const session = gateway.ledger.getSession(request.params.id);
        if (!session || session.site !== request.params.site) throw new Errors.NotFound(`session ${request.params.id}`);
        const payments = gateway.ledger.paymentsFor(session.id);
        const fee =
          session.status === 'open' && session.entryAt !== null
            ? gateway.fees.quoteSession(session, payments, now())
            : session.breakdown;
        return { session, decisions: gateway.ledger.decisionsFor(session.id), payments, fee };
      },
    );

    app.get(
      '/api/sites/:site/sessions/:id/quote',
      {
        ...read,
        schema: {
          tags: ['sessions'],
          params: SessionParams,
          querystring: z.object({ at: z.coerce.number().int().optional() }),
        },
      },
      async function quote(request) {
        const session = gateway.ledger.getSession(request.params.id);
        if (!session || session.site !== request.params.site) throw new Errors.NotFound(`session ${request.params.id}`);
        if (session.entryAt === null) return session.breakdown;
        return gateway.fees.quoteSession(session, gateway.ledger.paymentsFor(session.id), request.query.at ?? now());
      },
    );

    app.post(
      '/api/sites/:site/gates/:gate/open',
      { ...act, schema: { tags: ['gates'], params: GateParams, body: ManualOpen } },
      async function manualOpen(request) {
        siteOf(gateway, request.params.site);
        const result = await gateway.gate.manualOpen({
          site: request.params.site,
          gate: request.params.gate,
          lane: request.body.lane,
          actor: request.user!.username,
          reason: request.body.reason,
          plate: request.body.plate ? normalizePlate(request.body.plate).plate : undefined,
        });
        if (!result.ok) throw new Errors.UnknownGate(`${request.params.gate}/${request.body.lane}`);
        return { commandId: result.commandId };
      },
    );

    app.post(
      '/api/sites/:site/sessions/:id/payments',
      { ...act, schema: { tags: ['sessions'], params: SessionParams, body: StaffCharge } },
      async function staffCharge(request) {
        const site = siteOf(gateway, request.params.site);
        const session = gateway.ledger.getSession(request.params.id);
        if (!session || session.site !== site.id) throw new Errors.NotFound(`session ${request.params.id}`);
        const actor = request.user!.username;
        const { paymentId, amountFen, method, reason } = request.body;
        // Staff take the money at the booth: a payment like any other (revenue, a held exit opens), audited.
        const result = await gateway.gate.onPayment({
          site: site.id,
          payment: {
            sessionId: session.id,
            plate: null,
            amountFen,
            method,
            paymentId: `staff/${paymentId}`,
            source: 'staff',
          },
          at: now(),
        });
        if (!result.ok) throw new Errors.NotFound(result.reason);
        if (result.applied) {
          gateway.ledger.audit({
            at: now(),
            actor,
            action: 'staffCharge',
            site: site.id,
            target: session.id,
            reason: reason ?? null,
            detail: { paymentId: `staff/${paymentId}`, amountFen, method, plate: session.plate },
          });
        }
        return result;
      },
    );

    app.get(
      '/api/sites/:site/audit',
      { ...read, schema: { tags: ['audit'], params: SiteParams, querystring: z.object(Paging) } },
      async function audit(request) {
        siteOf(gateway, request.params.site);
        return gateway.ledger.auditList(request.params.site, request.query.limit, request.query.offset);
      },
    );

    app.get(
      '/api/sites/:site/tariff',
      { ...read, schema: { tags: ['tariff'], params: SiteParams } },
      async function tariff(request) {
        const site = siteOf(gateway, request.params.site);
        const texts = gateway.fees.publicText(site.id);
        const docs = gateway.fees.tariffs(site.id);
        const at = now();
        const inForce = [...docs]
          .filter((t) => Date.parse(t.effectiveFrom) <= at)
          .sort((a, b) => Date.parse(b.effectiveFrom) - Date.parse(a.effectiveFrom))[0];
        return {
          tariffs: docs.map((doc, i) => ({ doc, textZh: texts[i]?.textZh, textEn: texts[i]?.textEn })),
          inForce: inForce ? `${inForce.id}@${inForce.version}` : null,
        };
      },
    );

    await app.register(async function callbacks(scope) {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, function keepRaw(request, body, done) {
        (request as unknown as { rawBody: string }).rawBody = body as string;
        try {
          done(null, JSON.parse(body as string));
        } catch (err) {
          (err as { statusCode?: number }).statusCode = 400;
          done(err as Error, undefined);
        }
      });
      scope.post(
        '/api/payments/callback',
        {
          config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
          schema: {
            tags: ['payments'],
            body: Callback,
            headers: z.object({ 'x-signature': z.string().max(128), 'x-timestamp': z.string().max(20) }).passthrough(),
          },
        },
        async function paymentCallback(request, reply) {
          if (!paymentSecret) throw new Errors.NotConfigured('PAYMENT_CALLBACK_SECRET');
          const timestamp = String(request.headers['x-timestamp']);
          const signature = String(request.headers['x-signature']);
          const expected = Buffer.from(
            signCallback(paymentSecret, timestamp, (request as unknown as { rawBody: string }).rawBody),
            'hex',
          );
          const given = Buffer.from(signature, 'hex');
          if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
            gateway.metrics.inc('http_bad_signatures_total');
            throw new Errors.BadSignature('HMAC does not match');
          }
          const age = wall.now() - Number(timestamp);
          if (!Number.isFinite(age) || Math.abs(age) > CALLBACK_WINDOW_MS)
            throw new Errors.BadSignature('timestamp outside the 5 minute window');
          const body = request.body as z.infer<typeof Callback>;
          siteOf(gateway, body.site);
          const result = await gateway.gate.onPayment({
            site: body.site,
            payment: {
              sessionId: body.sessionId,
              plate: body.plate,
              amountFen: body.amountFen,
              method: body.method,
              paymentId: `callback/${body.paymentId}`,
              source: 'callback',
            },
            at: now(),
          });
          if (!result.ok) throw new Errors.NotFound(result.reason);
          // Money for a plate with no open session is kept for its exit read: accepted, not failed (and the same answer
          // for a retried callback), so the provider does not treat a payment the gateway keeps as refused.
          if (result.held) reply.code(202);
          return { ...result, status: result.held ? 'held' : 'applied' };
        },
      );
    });
  };
}
