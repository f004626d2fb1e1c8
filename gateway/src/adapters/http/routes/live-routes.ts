import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizePlate } from '../../../domain/plate/index.ts';
import { siteCapacity } from '../../../domain/site.ts';
import type { Gateway } from '../../../gateway.ts';
import { Errors } from '../../errors.ts';
import { ACTORS, canSeeSite, READERS, requireRole } from '../auth.ts';
import { SiteParams, siteOf } from './route-helpers.ts';

const ExceptionParams = SiteParams.extend({ id: z.coerce.number().int().positive() });
const Resolve = z.object({
  action: z.enum(['confirm', 'correct', 'dismiss']),
  plate: z.string().min(2).max(16).optional(),
  note: z.string().min(1).max(500),
});
const StaffCountBody = z.object({
  zone: z.string().max(64).optional(),
  count: z.number().int().min(0).max(1_000_000),
  note: z.string().max(500).optional(),
});

/** The staff's live view: occupancy, spaces, lanes, devices, exceptions, and the event stream. */
export function liveRoutes(gateway: Gateway): FastifyPluginAsyncZod {
  return async function live(app) {
    const now = () => gateway.options.clock.now();
    const read = { preHandler: requireRole(READERS, 'read') };
    const act = { preHandler: requireRole(ACTORS, 'act on a site') };

    app.get('/api/sites', { ...read, schema: { tags: ['live'] } }, async function sites(request) {
      return gateway.options.config.sites
        .filter((s) => canSeeSite(request.user!, s.id))
        .map((s) => ({
          id: s.id,
          name: s.name,
          timeZone: s.timeZone,
          households: s.households,
          capacity: siteCapacity(s),
          thresholds: s.thresholds,
          policies: s.policies,
          zones: s.zones.map((z) => ({ id: z.id, name: z.name, capacity: z.capacity, spaces: z.spaces.length })),
          gates: s.gates.map((g) => ({ id: g.id, name: g.name, lanes: g.lanes.map((l) => l.lane) })),
        }));
    });

    app.get(
      '/api/sites/:site/occupancy',
      { ...read, schema: { tags: ['live'], params: SiteParams } },
      async function occupancy(request) {
        siteOf(gateway, request.params.site);
        return gateway.occupancy.engine.snapshot(request.params.site, now());
      },
    );

    app.get(
      '/api/sites/:site/spaces',
      { ...read, schema: { tags: ['live'], params: SiteParams } },
      async function spaces(request) {
        siteOf(gateway, request.params.site);
        return gateway.occupancy.engine.spaces(request.params.site, now());
      },
    );

    app.get(
      '/api/sites/:site/corrections',
      { ...read, schema: { tags: ['live'], params: SiteParams } },
      async function corrections(request) {
        siteOf(gateway, request.params.site);
        return gateway.occupancy.engine.corrections(request.params.site);
      },
    );

    app.post(
      '/api/sites/:site/occupancy/count',
      { ...act, schema: { tags: ['live'], params: SiteParams, body: StaffCountBody } },
      async function staffCount(request) {
        siteOf(gateway, request.params.site);
        const result = gateway.occupancy.engine.staffCount({
          site: request.params.site,
          ...(request.body.zone ? { zone: request.body.zone } : {}),
          count: request.body.count,
          by: request.user!.username,
          at: now(),
        });
        if (!result.ok) throw new Errors.BadRequest(`count not applied: ${result.reason}`);
        gateway.ledger.audit({
          at: now(),
          actor: request.user!.username,
          action: 'staffCount',
          site: request.params.site,
          target: request.body.zone ?? null,
          reason: request.body.note ?? null,
          detail: result.correction,
        });
        gateway.occupancy.markDirty(request.params.site);
        return result.correction;
      },
    );

    app.post(
      '/api/sites/:site/zones/:zone/state',
      {
        ...act,
        schema: {
          tags: ['live'],
          params: SiteParams.extend({ zone: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
          body: z.object({ closed: z.boolean(), reason: z.string().trim().min(2, 'a reason is required').max(500) }),
        },
      },
      async function zoneState(request) {
        const { site, zone } = request.params;
        siteOf(gateway, site);
        if (!gateway.setZoneClosed(site, zone, request.body.closed, request.user!.username, request.body.reason)) {
          throw new Errors.NotFound(`zone ${zone}`);
        }
        return {
          zone,
          closed: request.body.closed,
          capacityVersions: gateway.ledger.capacityVersions(site).filter((v) => v.zone === zone),
        };
      },
    );

    app.get(
      '/api/sites/:site/lanes',
      { ...read, schema: { tags: ['live'], params: SiteParams } },
      async function lanes(request) {
        const site = siteOf(gateway, request.params.site);
        return site.gates.flatMap((gate) =>
          gate.lanes.map((lane) => {
            const recent = gateway.ledger.recentDecisions(site.id, gate.id, lane.lane, 8);
            const last = recent[0];
            const display = last?.display as
              | { lines: string[]; colour: string; voice: string | null; seconds: number }
              | undefined;
            return {
              gate: gate.id,
              gateName: gate.name,
              lane: lane.lane,
              devices: lane,
              recent: recent.map((d) => ({
                at: d.at,
                plate: d.plate,
                readPlate: d.readPlate,
                action: d.action,
                reason: d.reason,
                fuzzy: d.fuzzy,
                sessionId: d.sessionId,
              })),
              display:
                display && last
                  ? {
                      lines: display.lines,
                      colour: display.colour,
                      voice: display.voice,
                      seconds: display.seconds,
                      at: last.at,
                    }
                  : null,
              barrier: gateway.devices.barriers.get(`${site.id}/${gate.id}/${lane.lane}`) ?? null,
            };
          }),
        );
      },
    );

    app.get(
      '/api/sites/:site/devices',
      { ...read, schema: { tags: ['live'], params: SiteParams } },
      async function devices(request) {
        siteOf(gateway, request.params.site);
        return [...gateway.devices.devices.values()].filter((d) => d.site === request.params.site);
      },
    );

    app.get(
      '/api/sites/:site/exceptions',
      {
        ...read,
        schema: {
          tags: ['live'],
          params: SiteParams,
          querystring: z.object({ status: z.enum(['open', 'resolved']).optional() }),
        },
      },
      async function exceptions(request) {
        siteOf(gateway, request.params.site);
        return gateway.ledger.listExceptions(request.params.site, request.query.status);
      },
    );

    app.post(
      '/api/sites/:site/exceptions/:id/resolve',
      { ...act, schema: { tags: ['live'], params: ExceptionParams, body: Resolve } },
      async function resolveException(request) {
        const { site, id } = request.params;
        const exception = gateway.ledger.getException(id);
        if (!exception || exception.site !== site) throw new Errors.NotFound(`exception ${id}`);
        const { action, note } = request.body;
        const user = request.user!.username;
        const plate = request.body.plate ? normalizePlate(request.body.plate).plate : null;
        if (action === 'correct' && !plate) throw new Errors.BadRequest('correct needs the right plate');
        const done = gateway.ledger.transaction(() => {
          if (!gateway.ledger.resolveException(id, user, now(), `${action}: ${note}`)) return false;
          if (action === 'correct' && exception.sessionId && plate) {
            const clash = gateway.ledger.findOpenSession(site, plate);
            if (clash && clash.id !== exception.sessionId)
              throw new Errors.Conflict(`plate ${plate} already has an open session`);
            gateway.ledger.markSession(exception.sessionId, { plate });
          }
          gateway.ledger.audit({
            at: now(),
            actor: user,
            action: `exception.${action}`,
            site,
            target: String(id),
            reason: note,
            detail: { kind: exception.kind, plate },
          });
          return true;
        });
        if (!done) throw new Errors.Conflict(`exception ${id} is already resolved`);
        gateway.bus.emit({ type: 'exception', site, at: now(), data: { id, status: 'resolved', action } });
        return gateway.ledger.getException(id);
      },
    );

    app.get(
      '/api/events',
      { ...read, schema: { tags: ['live'], querystring: z.object({ token: z.string().optional() }) } },
      function events(request, reply) {
        const user = request.user!;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(`retry: 3000\n\n`);
        const unsubscribe = gateway.bus.subscribe(function forward(event) {
          if (!canSeeSite(user, event.site)) return;
          res.write(
            `event: ${event.type}\ndata: ${JSON.stringify({ site: event.site, at: event.at, ...event.data })}\n\n`,
          );
        });
        const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
        request.raw.on('close', function closed() {
          clearInterval(heartbeat);
          unsubscribe();
        });
      },
    );
  };
}
