import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizePlate } from '../../../domain/plate/index.ts';
import type { Gateway } from '../../../gateway.ts';
import { SiteParams, siteOf } from './route-helpers.ts';

const PublicZone = z.object({
  id: z.string(),
  name: z.string(),
  capacity: z.number(),
  free: z.number(),
  status: z.string(),
});
const PublicSite = z.object({
  id: z.string(),
  name: z.string(),
  capacity: z.number(),
  occupied: z.number(),
  free: z.number(),
  status: z.string(),
  zones: z.array(PublicZone),
});
const FeeItem = z.object({
  kind: z.string(),
  text: z.string(),
  textEn: z.string(),
  fromLocal: z.string(),
  toLocal: z.string(),
  amountFen: z.number(),
});
const PublicFee = z.object({
  plate: z.string(),
  /** The gateway's time of the quote (its clock may run accelerated in the demo). */
  quotedAt: z.number(),
  inside: z.boolean(),
  entryAt: z.number().nullable(),
  totalFen: z.number(),
  paidFen: z.number(),
  dueFen: z.number(),
  items: z.array(FeeItem),
});

/** What anyone may see without logging in: free spaces, the published tariff, and the fee for one's own plate. */
export function publicRoutes(gateway: Gateway): FastifyPluginAsyncZod {
  return async function publicApi(app) {
    const limited = { rateLimit: { max: 60, timeWindow: '1 minute' } };
    app.get(
      '/api/public/sites',
      { config: limited, schema: { tags: ['public'], response: { 200: z.array(PublicSite) } } },
      async function sites() {
        const now = gateway.options.clock.now();
        return gateway.options.config.sites.map((site) => {
          const snap = gateway.occupancy.engine.snapshot(site.id, now);
          return {
            id: site.id,
            name: site.name,
            capacity: snap.capacity,
            occupied: snap.occupied,
            free: snap.free,
            status: snap.status,
            zones: snap.zones.map((z) => ({
              id: z.id,
              name: z.name,
              capacity: z.capacity,
              free: z.free,
              status: z.status,
            })),
          };
        });
      },
    );
    app.get(
      '/api/public/sites/:site/tariff',
      {
        config: limited,
        schema: {
          tags: ['public'],
          params: SiteParams,
          response: {
            200: z.object({
              site: z.string(),
              tariffs: z.array(
                z.object({
                  id: z.string(),
                  version: z.union([z.string(), z.number()]),
                  effectiveFrom: z.string(),
                  textZh: z.string(),
                  textEn: z.string(),
                }),
              ),
            }),
          },
        },
      },
      async function tariff(request) {
        const site = siteOf(gateway, request.params.site);
        return { site: site.id, tariffs: gateway.fees.publicText(site.id) };
      },
    );
    app.get(
      '/api/public/sites/:site/fee',
      {
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags: ['public'],
          params: SiteParams,
          querystring: z.object({ plate: z.string().min(2).max(16) }),
          response: { 200: PublicFee },
        },
      },
      async function fee(request) {
        const site = siteOf(gateway, request.params.site);
        const plate = normalizePlate(request.query.plate).plate;
        const session = gateway.ledger.findOpenSession(site.id, plate);
        const quotedAt = gateway.options.clock.now();
        if (!session || session.entryAt === null) {
          return { plate, quotedAt, inside: false, entryAt: null, totalFen: 0, paidFen: 0, dueFen: 0, items: [] };
        }
        const quote = gateway.fees.quoteSession(session, gateway.ledger.paymentsFor(session.id), quotedAt);
        return {
          plate,
          quotedAt,
          inside: true,
          entryAt: session.entryAt,
          totalFen: quote.totalFen,
          paidFen: quote.paidFen,
          dueFen: Math.max(0, quote.dueFen),
          items: quote.items.map((i) => ({
            kind: i.kind,
            text: i.text,
            textEn: i.textEn,
            fromLocal: i.fromLocal,
            toLocal: i.toLocal,
            amountFen: i.amountFen,
          })),
        };
      },
    );
  };
}
