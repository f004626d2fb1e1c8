import { resolve } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../gateway/src/adapters/http/build-app.ts';
import { type Community, startCommunity, testConfigYaml } from '../support/community.ts';

export const CALLBACK_SECRET = 'h9-callback-secret-0123456789abcdef';

/** The test community plus a second site `s2`, so "staff of site A on site B" is a real site. */
export function twoSiteYaml(): string {
  const tariff = resolve(import.meta.dirname, '../../tariffs/residential-guidance.yaml');
  return `${testConfigYaml()}
  - id: s2
    name: 第二小区
    households: 10
    tariffs: [${JSON.stringify(tariff)}]
    zones:
      - { id: Z, name: Z区, capacity: 5 }
    gates:
      - id: east
        name: 东门
        lanes:
          - { lane: entry, camera: s2-cam, barrier: s2-bar, display: s2-led }
`;
}

export type Who = 'anonymous' | 'admin' | 'staffA' | 'staffB' | 'bureau';

export interface HttpHarness {
  community: Community;
  /** The same app the gateway serves (`buildApp` with the gateway's services), for `inject()`. */
  app: FastifyInstance;
  call(who: Who, opts: InjectOptions): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
}

/** Broker, gateway and an injectable app; staff A sees s1, staff B sees s2, bureau sees all read-only. */
export async function startHttpHarness(): Promise<HttpHarness> {
  const community = await startCommunity({ yaml: twoSiteYaml(), paymentSecret: CALLBACK_SECRET });
  const gateway = community.gateway.gateway;
  const accounts = gateway.accounts;
  accounts.upsertUser({ username: 'staff-a', role: 'staff', sites: ['s1'], displayName: '甲' }, 'pw-staff-a');
  accounts.upsertUser({ username: 'staff-b', role: 'staff', sites: ['s2'], displayName: '乙' }, 'pw-staff-b');
  accounts.upsertUser({ username: 'bureau-1', role: 'bureau', sites: [], displayName: '住建局' }, 'pw-bureau');
  // Tokens and callback timestamps run on real time; the gateway's own clock is driven by hand.
  const now = Date.now();
  const tokenOf = (username: string) => accounts.issueToken(username, now, 24 * 3600_000).token;
  const tokens: Record<Exclude<Who, 'anonymous'>, string> = {
    admin: tokenOf('admin'),
    staffA: tokenOf('staff-a'),
    staffB: tokenOf('staff-b'),
    bureau: tokenOf('bureau-1'),
  };
  const app = await buildApp({ gateway, paymentSecret: CALLBACK_SECRET });
  await app.ready();
  return {
    community,
    app,
    call(who, opts) {
      const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
      if (who !== 'anonymous') headers.authorization = `Bearer ${tokens[who]}`;
      return app.inject({ ...opts, headers });
    },
    async stop() {
      await app.close();
      await community.stop();
    },
  };
}

export interface RouteEntry {
  method: string;
  url: string;
}

/** Every route the app serves, read from `printRoutes()` so a route added anywhere shows up. */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  const stack: string[] = [];
  const out: RouteEntry[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = Math.round(at / 4);
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3).trim());
    if (!m) continue;
    stack.length = depth;
    const parent = stack[depth - 1] ?? '';
    const path = depth === 0 ? m[1]! : `${parent}${parent.endsWith('/') || m[1]!.startsWith('/') ? '' : '/'}${m[1]}`;
    stack[depth] = path;
    for (const method of (m[2] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') out.push({ method, url: path });
    }
  }
  return out;
}
