import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFINITIONS } from '../../../domain/indicators/definitions.ts';
import type { Gateway } from '../../../gateway.ts';
import { renderBureauCsv, renderBureauJson } from '../../../reports/bureau-aggregator.ts';
import { REPORT_PERIODS } from '../../../reports/periods.ts';
import { renderReportCsv } from '../../../reports/render-csv.ts';
import { renderReportHtml } from '../../../reports/render-html.ts';
import { renderReportJson } from '../../../reports/render-json.ts';
import { Errors } from '../../errors.ts';
import { READERS, requireRole } from '../auth.ts';
import { SiteParams, siteOf } from './route-helpers.ts';

const Period = z.enum(REPORT_PERIODS);
const ReportParams = SiteParams.extend({ period: Period, start: z.string().regex(/^\d{1,16}(\.(json|csv|html))?$/) });
const Lang = z.object({ lang: z.enum(['zh', 'en']).default('zh') });

/** Periodic reports per site, the bureau's ranking across sites, occupancy history and the indicator definitions. */
export function reportRoutes(gateway: Gateway): FastifyPluginAsyncZod {
  return async function reports(app) {
    const read = { preHandler: requireRole(READERS, 'read reports') };

    app.get(
      '/api/sites/:site/reports',
      {
        ...read,
        schema: { tags: ['reports'], params: SiteParams, querystring: z.object({ period: Period.optional() }) },
      },
      async function list(request) {
        siteOf(gateway, request.params.site);
        return gateway.reportStore.summaries({
          site: request.params.site,
          ...(request.query.period ? { period: request.query.period } : {}),
          limit: 500,
        });
      },
    );

    app.get(
      '/api/sites/:site/reports/:period/:start',
      { ...read, schema: { tags: ['reports'], params: ReportParams, querystring: Lang } },
      async function one(request, reply) {
        const { site, period } = request.params;
        siteOf(gateway, site);
        const [startText, suffix] = request.params.start.split('.');
        const report = gateway.reportStore.get(site, period, Number(startText));
        if (!report) throw new Errors.NotFound(`report ${site}/${period}/${startText}`);
        const accept = request.headers.accept ?? '';
        const format = suffix ?? (accept.includes('text/html') ? 'html' : accept.includes('text/csv') ? 'csv' : 'json');
        const lang = request.query.lang;
        const name = `report-${site}-${period}-${startText}`;
        if (format === 'csv') {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}.csv"`)
            .send(renderReportCsv(report, lang));
        }
        if (format === 'html') return reply.type('text/html; charset=utf-8').send(renderReportHtml(report, lang));
        return reply.type('application/json; charset=utf-8').send(renderReportJson(report, lang));
      },
    );

    app.post(
      '/api/sites/:site/reports/:period/generate',
      {
        preHandler: requireRole(['admin', 'staff'], 'generate reports'),
        schema: {
          tags: ['reports'],
          params: SiteParams.extend({ period: Period }),
          // Years 2000–2099: outside that a period start is negative or past the Date range and generation threw.
          body: z.object({ at: z.number().int().min(946_684_800_000).max(4_102_444_800_000) }),
        },
      },
      async function generate(request) {
        siteOf(gateway, request.params.site);
        const result = await gateway.reports.generate(request.params.site, request.params.period, request.body.at);
        if (!result.ok) throw new Errors.BadRequest(`report not generated: ${result.reason}`);
        return { created: result.created, start: result.report.start, end: result.report.end };
      },
    );

    app.get(
      '/api/bureau/evaluation',
      {
        // Every site's figures: staff are scoped to their own sites.
        preHandler: requireRole(['admin', 'bureau'], 'read the evaluation of all sites'),
        schema: {
          tags: ['bureau'],
          querystring: z
            .object({
              period: Period.default('daily'),
              format: z.enum(['json', 'csv']).default('json'),
              top: z.coerce.number().int().min(1).max(100).default(5),
            })
            .extend(Lang.shape),
        },
      },
      async function evaluation(request, reply) {
        const view = gateway.bureau.view(request.query.period, { top: request.query.top });
        if (request.query.format === 'csv') {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="evaluation-${request.query.period}.csv"`)
            .send(renderBureauCsv(view, request.query.lang));
        }
        return reply.type('application/json; charset=utf-8').send(renderBureauJson(view));
      },
    );

    app.get('/api/indicators/definitions', { schema: { tags: ['reports'] } }, async function definitions() {
      return DEFINITIONS;
    });

    app.get(
      '/api/sites/:site/history',
      {
        ...read,
        schema: {
          tags: ['reports'],
          params: SiteParams,
          querystring: z.object({
            from: z.coerce.number().int(),
            to: z.coerce.number().int(),
            intervalMs: z.coerce.number().int().min(60_000).default(900_000),
            zone: z.string().max(64).optional(),
          }),
        },
      },
      async function history(request) {
        siteOf(gateway, request.params.site);
        const q = request.query;
        if (q.to <= q.from || (q.to - q.from) / q.intervalMs > 5000)
          throw new Errors.BadRequest('from must be before to, with at most 5000 intervals');
        const result = await gateway.timeSeries.history.occupancy({
          site: request.params.site,
          from: q.from,
          to: q.to,
          intervalMs: q.intervalMs,
          ...(q.zone ? { zone: q.zone } : {}),
        });
        if (!result.ok) throw new Errors.NotConfigured(`history (${result.reason})`);
        return result.history;
      },
    );
  };
}
