import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizePlate } from '../../../domain/plate/index.ts';
import type { Gateway } from '../../../gateway.ts';
import { importBlacklistCsv, importVehiclesCsv, importVisitorsCsv } from '../../csv/registry-csv.ts';
import { Errors } from '../../errors.ts';
import { ACTORS, READERS, requireRole } from '../auth.ts';
import { Paging, SiteParams, siteOf } from './route-helpers.ts';

const KINDS = ['households', 'vehicles', 'passes', 'visitors', 'staff', 'emergency', 'blacklist'] as const;
type Kind = (typeof KINDS)[number];
const KeyParams = SiteParams.extend({ key: z.string().min(1).max(64) });
const ListQuery = z.object({ q: z.string().max(64).optional(), ...Paging });

/** Keys that are plates are normalised, so "京a 12345" finds 京A12345. */
function keyOf(kind: Kind, key: string): string {
  return kind === 'vehicles' || kind === 'staff' || kind === 'emergency' || kind === 'blacklist'
    ? normalizePlate(key).plate
    : key;
}

/** Vehicles, households, passes, visitors, staff, emergency vehicles and the blacklist: CRUD and CSV import. */
export function registryRoutes(gateway: Gateway): FastifyPluginAsyncZod {
  return async function registry(app) {
    const now = () => gateway.options.clock.now();
    const read = { preHandler: requireRole(READERS, 'read') };
    const act = { preHandler: requireRole(ACTORS, 'change the registry') };
    const table = (kind: Kind) => gateway.registry[kind];

    for (const kind of KINDS) {
      app.get(
        `/api/sites/:site/${kind}`,
        { ...read, schema: { tags: ['registry'], params: SiteParams, querystring: ListQuery } },
        async function list(request) {
          siteOf(gateway, request.params.site);
          const q = request.query;
          return table(kind).list({
            site: request.params.site,
            ...(q.q ? { q: q.q } : {}),
            limit: q.limit,
            offset: q.offset,
          });
        },
      );

      app.get(
        `/api/sites/:site/${kind}/:key`,
        { ...read, schema: { tags: ['registry'], params: KeyParams } },
        async function get(request) {
          const { site, key } = request.params;
          siteOf(gateway, site);
          const record = table(kind).get(site, keyOf(kind, key));
          if (!record) throw new Errors.NotFound(`${kind} ${key}`);
          return record;
        },
      );

      const put = async function put(
        request: { params: { site: string }; body: Record<string, unknown>; user: { username: string } | null },
        reply: { code(n: number): { send(v: unknown): unknown } },
      ) {
        const { site } = request.params;
        siteOf(gateway, site);
        const actor = request.user!.username;
        const body = {
          ...request.body,
          site,
          ...(kind === 'visitors' && !request.body.createdBy ? { createdBy: actor } : {}),
        };
        const result = (
          table(kind).put as (
            input: unknown,
          ) => { ok: true; record: unknown; created: boolean } | { ok: false; reason: string }
        )(body);
        if (!result.ok) throw new Errors.BadRequest(result.reason);
        gateway.ledger.audit({
          at: now(),
          actor,
          action: `registry.${kind}.${result.created ? 'create' : 'update'}`,
          site,
          target: null,
          reason: null,
          detail: result.record,
        });
        return reply.code(result.created ? 201 : 200).send(result.record);
      };
      const Body = z.record(z.string(), z.unknown());
      app.post(
        `/api/sites/:site/${kind}`,
        { ...act, schema: { tags: ['registry'], params: SiteParams, body: Body } },
        put,
      );
      app.put(
        `/api/sites/:site/${kind}/:key`,
        { ...act, schema: { tags: ['registry'], params: KeyParams, body: Body } },
        put,
      );

      app.delete(
        `/api/sites/:site/${kind}/:key`,
        { ...act, schema: { tags: ['registry'], params: KeyParams } },
        async function remove(request, reply) {
          const { site, key } = request.params;
          siteOf(gateway, site);
          if (!table(kind).remove(site, keyOf(kind, key))) throw new Errors.NotFound(`${kind} ${key}`);
          gateway.ledger.audit({
            at: now(),
            actor: request.user!.username,
            action: `registry.${kind}.delete`,
            site,
            target: key,
            reason: null,
            detail: null,
          });
          return reply.code(204).send();
        },
      );
    }

    await app.register(async function csvImport(plain) {
      const scope = plain.withTypeProvider<ZodTypeProvider>();
      scope.addContentTypeParser(
        ['text/csv', 'text/plain'],
        { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 },
        function asText(_req, body, done) {
          done(null, body);
        },
      );
      for (const kind of ['vehicles', 'visitors', 'blacklist'] as const) {
        scope.post(
          `/api/sites/:site/${kind}/import`,
          {
            ...act,
            schema: {
              tags: ['registry'],
              params: SiteParams,
              body: z.string().max(5 * 1024 * 1024),
              // stringbool, not coerce.boolean: the latter reads "false" as true.
              querystring: z.object({ strict: z.stringbool().default(false) }),
            },
          },
          async function importCsv(request, reply) {
            const { site } = request.params;
            siteOf(gateway, site);
            const importer = {
              vehicles: importVehiclesCsv,
              visitors: importVisitorsCsv,
              blacklist: importBlacklistCsv,
            }[kind];
            const result = importer(gateway.registry, request.body, {
              site,
              strict: request.query.strict,
              importedBy: request.user!.username,
            });
            gateway.ledger.audit({
              at: now(),
              actor: request.user!.username,
              action: `registry.${kind}.import`,
              site,
              target: null,
              reason: null,
              detail: result.ok
                ? { imported: result.imported, updated: result.updated, rejected: result.rejected.length }
                : { failed: result.reason },
            });
            return reply.code(result.ok ? 200 : 400).send(result);
          },
        );
      }
    });
  };
}
