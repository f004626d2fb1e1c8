import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { signCallback } from '../../gateway/src/adapters/http/routes/session-routes.ts';
import { CALLBACK_SECRET, type HttpHarness, startHttpHarness, type Who } from '../security/http-harness.ts';
import { hostileString, hostileValue, prototypePolluted } from './hostile-values.ts';

// HTTP bodies and queries through app.inject(): bad input gets 400 naming the field, never a 500.
const SEED = 4242;
const cases = new Map<string, number>();

type Operation = {
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  parameters?: { in: string; name: string }[];
};
type OpenApi = { paths: Record<string, Record<string, Operation>> };

const PARAMS: Record<string, string> = { site: 's1', gate: 'g1', id: '1', key: 'nobody', period: 'daily', start: '0' };
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => PARAMS[name] ?? 'x');

const tariffDoc = parseYaml(
  readFileSync(resolve(import.meta.dirname, '../../tariffs/residential-guidance.yaml'), 'utf8'),
);

/** A valid body per route, so one hostile field is the only thing wrong. */
function validBodies(now: number): Record<string, Record<string, unknown>> {
  return {
    'post /api/auth/login': { username: 'admin', password: 'not-the-password' },
    'post /api/sites/{site}/occupancy/count': { zone: 'B', count: 1, note: '盘点' },
    'post /api/sites/{site}/exceptions/{id}/resolve': { action: 'dismiss', note: '已查看' },
    'post /api/sites/{site}/gates/{gate}/open': { lane: 'entry', reason: '测试开闸', plate: '京A12345' },
    'post /api/payments/callback': { paymentId: 'fz', site: 's1', plate: '京A12345', amountFen: 100, method: 'cash' },
    'post /api/tariffs/validate': tariffDoc as Record<string, unknown>,
    'post /api/sites/{site}/reports/{period}/generate': { at: now },
    'post /api/sites/{site}/vehicles': { plate: '京A77777', household: 'H1' },
    'post /api/sites/{site}/households': { id: 'H1', room: '1栋101' },
    'post /api/sites/{site}/blacklist': { plate: '粤C00001', reason: '逃费' },
    'post /api/sites/{site}/visitors': {
      id: 'v1',
      plate: '沪B00001',
      host: 'H1',
      validFrom: now,
      validTo: now + 3600_000,
    },
  };
}

/** Required query parameters, so the fuzzed one is the only thing wrong. */
const BASE_QUERY: Record<string, Record<string, string>> = {
  '/api/public/sites/{site}/fee': { plate: '京A12345' },
  '/api/sites/{site}/history': { from: '1772409600000', to: '1772413200000' },
};

function count(name: string): void {
  cases.set(name, (cases.get(name) ?? 0) + 1);
}

describe('HTTP bodies and queries under hostile input (fast-check through inject)', () => {
  let h: HttpHarness;
  let doc: OpenApi;
  let address = 0;

  beforeAll(async () => {
    h = await startHttpHarness();
    doc = h.app.swagger() as unknown as OpenApi;
  });
  afterAll(async () => {
    console.info(`HTTP fuzz cases\n  ${[...cases.entries()].map(([route, n]) => `${route}: ${n}`).join('\n  ')}`);
    await h?.stop();
  });

  /** admin everywhere, so the role check passes and the input is what is tested; a fresh address per login. */
  function send(method: string, path: string, payload: string, query = '', type = 'application/json') {
    const headers: Record<string, string> = { 'content-type': type };
    if (path === '/api/payments/callback') {
      const ts = String(Date.now());
      headers['x-timestamp'] = ts;
      headers['x-signature'] = signCallback(CALLBACK_SECRET, ts, payload);
    }
    const who: Who = 'admin';
    address++;
    return h.call(who, {
      method: method.toUpperCase() as 'POST',
      url: `${concrete(path)}${query}`,
      headers,
      payload,
      remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
    });
  }

  it('a valid body with one field made hostile: 400 naming the field, or served; never 500', async () => {
    const bodies = validBodies(h.community.clock.now());
    for (const [key, base] of Object.entries(bodies)) {
      const [method, path] = key.split(' ') as [string, string];
      expect(doc.paths[path]?.[method], key).toBeDefined();
      const fields = [...Object.keys(base), '__proto__', 'constructor', 'extra'];
      const runs = path === '/api/auth/login' ? 30 : 150;
      const samples = fc.sample(fc.tuple(fc.constantFrom(...fields), hostileValue), { numRuns: runs, seed: SEED });
      for (const [field, value] of samples) {
        count(key);
        const body = `${JSON.stringify(base).slice(0, -1)},${JSON.stringify(field)}:${JSON.stringify(value) ?? 'null'}}`;
        const res = await send(method, path, body);
        expect(res.statusCode, `${key} ${field}=${JSON.stringify(value)?.slice(0, 80)}: ${res.body}`).toBeLessThan(500);
        const reply = res.json() as { code?: string; message?: string };
        if (res.statusCode === 400 && reply.code === 'ERR_VALIDATION') {
          expect(reply.message, `${key} ${field}`).toContain(field === '__proto__' ? 'body' : field);
        }
        expect(prototypePolluted()).toBe(false);
      }
    }
  });

  it('any JSON value, broken JSON or binary as the body of every route that takes one: 4xx, never 500', async () => {
    const whole = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
      hostileValue.map((v) => JSON.stringify(v) ?? 'null'),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('{', '{"a":', '[1,2', '{"__proto__":{"polluted":1}}', 'null', '""', '\u0000'),
    );
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.requestBody || method === 'get') continue;
        const key = `${method} ${path} (whole body)`;
        const csv = Object.keys(op.requestBody.content).some((t) => t.startsWith('text/'));
        const samples = fc.sample(whole, { numRuns: path === '/api/auth/login' ? 20 : 60, seed: SEED });
        for (const payload of samples) {
          count(key);
          const res = await send(method, path, payload, '', csv ? 'text/csv' : 'application/json');
          expect(res.statusCode, `${key}: ${payload.slice(0, 80)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
          if (!csv && path !== '/api/tariffs/validate') expect(res.statusCode, key).toBeGreaterThanOrEqual(400);
        }
      }
    }
    expect(prototypePolluted()).toBe(false);
  });

  it('hostile query values on every route with a query: 400 naming the parameter, or served; never 500', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      const names = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      if (!op || names.length === 0 || path === '/api/events') continue;
      const key = `get ${path} (query)`;
      const samples = fc.sample(
        fc.tuple(fc.constantFrom(...names), fc.oneof(hostileString, fc.integer().map(String))),
        {
          numRuns: 40,
          seed: SEED,
        },
      );
      for (const [name, value] of samples) {
        count(key);
        const base = new URLSearchParams(BASE_QUERY[path] ?? {});
        base.set(name, value);
        const query = `?${base.toString()}`;
        const res = await send('get', path, '', query);
        expect(res.statusCode, `${key} ${name}=${value.slice(0, 60)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
        const reply = res.headers['content-type']?.toString().includes('json') ? res.json() : {};
        if (res.statusCode === 400 && reply.code === 'ERR_VALIDATION') expect(reply.message).toContain(name);
      }
    }
  });
});
