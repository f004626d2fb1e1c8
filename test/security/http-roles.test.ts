import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextMessage, plateEvent } from '../support/community.ts';
import { type HttpHarness, type RouteEntry, routeTable, startHttpHarness, type Who } from './http-harness.ts';
import { accessOf } from './route-policy.ts';

const SAMPLE_PARAMS: Record<string, string> = {
  site: 's1',
  gate: 'g1',
  id: '1',
  key: 'nobody',
  period: 'daily',
  start: '0',
};

function concrete(url: string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => SAMPLE_PARAMS[name] ?? 'x');
}

const DENIED = new Set([401, 403]);

describe('HTTP roles: every route the app serves checked against the route table', () => {
  let h: HttpHarness;
  let routes: RouteEntry[];

  beforeAll(async () => {
    h = await startHttpHarness();
    routes = routeTable(h.app);
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function status(who: Who, route: RouteEntry, site = 's1'): Promise<{ status: number; code?: string }> {
    const url = concrete(route.url).replace('/sites/s1', `/sites/${site}`);
    const res = await h.call(who, {
      method: route.method as 'GET',
      url,
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
    });
    expect(res.statusCode, `${who} ${route.method} ${url}`).toBeLessThan(500);
    return { status: res.statusCode, code: (res.json() as { code?: string } | null)?.code };
  }

  it('reads the route table from the app and every route has a rule', () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(routes).toContainEqual({ method: 'POST', url: '/api/sites/:site/gates/:gate/open' });
    const unlisted = routes.filter((r) => accessOf(r) === undefined).map((r) => `${r.method} ${r.url}`);
    expect(unlisted).toEqual([]);
  });

  it('unauthenticated callers get 401 on every non-public route, before the body is read', async () => {
    for (const route of routes) {
      const access = accessOf(route);
      if (access === 'public') continue;
      const res = await status('anonymous', route);
      expect(res, `${route.method} ${route.url}`).toEqual({ status: 401, code: 'ERR_UNAUTHENTICATED' });
    }
  });

  it('staff of site B cannot read or act on site A, and staff of site A cannot touch site B', async () => {
    for (const route of routes) {
      const access = accessOf(route);
      if (access === 'public' || !route.url.includes(':site')) continue;
      if (access === 'admin' || access === 'evaluators') continue;
      const label = `${route.method} ${route.url}`;
      expect(await status('staffB', route, 's1'), label).toEqual({ status: 403, code: 'ERR_SITE_FORBIDDEN' });
      expect(await status('staffA', route, 's2'), label).toEqual({ status: 403, code: 'ERR_SITE_FORBIDDEN' });
      if (route.url === '/api/events') continue;
      const own = await status('staffA', route, 's1');
      expect(DENIED.has(own.status), `${label} as staff of s1: ${own.status}`).toBe(false);
    }
  });

  it('bureau reads every site but cannot open a barrier or write', async () => {
    for (const route of routes) {
      const access = accessOf(route);
      const label = `${route.method} ${route.url}`;
      if (access === 'actors' || access === 'admin') {
        expect(await status('bureau', route), label).toEqual({ status: 403, code: 'ERR_FORBIDDEN' });
      } else if ((access === 'readers' || access === 'evaluators') && route.url !== '/api/events') {
        for (const site of ['s1', 's2']) {
          const res = await status('bureau', route, site);
          expect(DENIED.has(res.status), `${label} on ${site} as bureau: ${res.status}`).toBe(false);
        }
      }
    }
  });

  it('admin-only and evaluator routes refuse staff; admin passes everywhere', async () => {
    for (const route of routes) {
      const access = accessOf(route);
      const label = `${route.method} ${route.url}`;
      if (access === 'admin' || access === 'evaluators') {
        expect(await status('staffA', route), label).toEqual({ status: 403, code: 'ERR_FORBIDDEN' });
      }
      if (access === 'admin') {
        expect(await status('bureau', route), label).toEqual({ status: 403, code: 'ERR_FORBIDDEN' });
      }
      if (access !== 'public' && route.url !== '/api/events') {
        for (const site of ['s1', 's2']) {
          const res = await status('admin', route, site);
          expect(DENIED.has(res.status), `${label} on ${site} as admin: ${res.status}`).toBe(false);
        }
      }
    }
  });

  it('lists only the sites a staff member may see, and streams events only to readers', async () => {
    const listed = await h.call('staffB', { method: 'GET', url: '/api/sites' });
    expect((listed.json() as { id: string }[]).map((s) => s.id)).toEqual(['s2']);
    const all = await h.call('bureau', { method: 'GET', url: '/api/sites' });
    expect((all.json() as { id: string }[]).map((s) => s.id)).toEqual(['s1', 's2']);
    const anonymous = await fetch(`${h.community.gateway.httpUrl}/api/events`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });

  it('the public sees only the documented fields: free spaces, the tariff text and one plate’s fee', async () => {
    const c = h.community;
    const camera = await c.device('cam-in');
    const led = await c.device('led-in');
    await nextMessage(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', '苏E12321', c.clock.now()), {
        qos: 1,
      }),
    );
    c.clock.advance(2 * 3600_000);

    const sites = (await h.call('anonymous', { method: 'GET', url: '/api/public/sites' })).json() as Record<
      string,
      unknown
    >[];
    expect(sites).toHaveLength(2);
    for (const site of sites) {
      expect(Object.keys(site).sort()).toEqual(['capacity', 'free', 'id', 'name', 'occupied', 'status', 'zones']);
      for (const zone of site.zones as Record<string, unknown>[]) {
        expect(Object.keys(zone).sort()).toEqual(['capacity', 'free', 'id', 'name', 'status']);
      }
    }
    const tariff = (await h.call('anonymous', { method: 'GET', url: '/api/public/sites/s1/tariff' })).json() as {
      tariffs: Record<string, unknown>[];
    };
    expect(Object.keys(tariff).sort()).toEqual(['site', 'tariffs']);
    for (const t of tariff.tariffs) {
      expect(Object.keys(t).sort()).toEqual(['effectiveFrom', 'id', 'textEn', 'textZh', 'version']);
    }
    const fee = await h.call('anonymous', {
      method: 'GET',
      url: `/api/public/sites/s1/fee?plate=${encodeURIComponent('苏E12321')}`,
    });
    const body = fee.json() as Record<string, unknown>;
    expect(body).toMatchObject({ plate: '苏E12321', inside: true });
    expect(body.totalFen).toBeGreaterThan(0);
    expect(Object.keys(body).sort()).toEqual([
      'dueFen',
      'entryAt',
      'inside',
      'items',
      'paidFen',
      'plate',
      'quotedAt',
      'totalFen',
    ]);
    for (const item of body.items as Record<string, unknown>[]) {
      expect(Object.keys(item).sort()).toEqual(['amountFen', 'fromLocal', 'kind', 'text', 'textEn', 'toLocal']);
    }
    expect(fee.body).not.toMatch(/sessionId|"id"|readPlate/);
  });
});
