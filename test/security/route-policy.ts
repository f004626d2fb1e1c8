import type { RouteEntry } from './http-harness.ts';

/**
 * Who may call each route (docs/http-api.md "Roles and login", docs/security.md "Route table").
 * public: anyone; readers: admin, staff of the site, bureau; actors: admin, staff of the site;
 * evaluators: admin and bureau; admin: admin only.
 */
export type Access = 'public' | 'readers' | 'actors' | 'evaluators' | 'admin';

const REGISTRY_KINDS = ['households', 'vehicles', 'passes', 'visitors', 'staff', 'emergency', 'blacklist'];

export const POLICY: Record<string, Access> = {
  'GET /': 'public',
  'GET /docs/json': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'GET /api/auth/me': 'readers',
  'GET /api/public/sites': 'public',
  'GET /api/public/sites/:site/tariff': 'public',
  'GET /api/public/sites/:site/fee': 'public',
  'POST /api/payments/callback': 'public',
  'GET /api/protocol': 'public',
  'GET /api/indicators/definitions': 'public',
  'GET /healthz': 'public',
  'GET /metrics': 'public',
  'GET /api/sites': 'readers',
  'GET /api/events': 'readers',
  'GET /api/sites/:site/occupancy': 'readers',
  'POST /api/sites/:site/occupancy/count': 'actors',
  'POST /api/sites/:site/zones/:zone/state': 'actors',
  'GET /api/sites/:site/spaces': 'readers',
  'GET /api/sites/:site/corrections': 'readers',
  'GET /api/sites/:site/lanes': 'readers',
  'GET /api/sites/:site/devices': 'readers',
  'GET /api/sites/:site/exceptions': 'readers',
  'POST /api/sites/:site/exceptions/:id/resolve': 'actors',
  'GET /api/sites/:site/sessions': 'readers',
  'GET /api/sites/:site/sessions/:id': 'readers',
  'GET /api/sites/:site/sessions/:id/quote': 'readers',
  'POST /api/sites/:site/gates/:gate/open': 'actors',
  'POST /api/sites/:site/sessions/:id/payments': 'actors',
  'GET /api/sites/:site/audit': 'readers',
  'GET /api/sites/:site/tariff': 'readers',
  'POST /api/tariffs/validate': 'admin',
  'GET /api/sites/:site/history': 'readers',
  'GET /api/sites/:site/reports': 'readers',
  'GET /api/sites/:site/reports/:period/:start': 'readers',
  'POST /api/sites/:site/reports/:period/generate': 'actors',
  'GET /api/bureau/evaluation': 'evaluators',
  ...Object.fromEntries(
    REGISTRY_KINDS.flatMap((kind) => [
      [`GET /api/sites/:site/${kind}`, 'readers'],
      [`POST /api/sites/:site/${kind}`, 'actors'],
      [`GET /api/sites/:site/${kind}/:key`, 'readers'],
      [`PUT /api/sites/:site/${kind}/:key`, 'actors'],
      [`DELETE /api/sites/:site/${kind}/:key`, 'actors'],
    ]),
  ),
  ...Object.fromEntries(
    ['vehicles', 'visitors', 'blacklist'].map((kind) => [`POST /api/sites/:site/${kind}/import`, 'actors']),
  ),
};

/** The dashboard's built files are public; everything else must be in POLICY. */
export function accessOf(route: RouteEntry): Access | undefined {
  const key = `${route.method} ${route.url}`;
  if (key in POLICY) return POLICY[key];
  if (route.method === 'GET' && (route.url.startsWith('/assets/') || route.url === '/index.html')) return 'public';
  return undefined;
}
