import type { PlannedVisit } from './day-plan.ts';
import type { Population, SimVehicle } from './population.ts';

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(rows: string[][]): string {
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

/** Resident vehicles as the property company's spreadsheet (the gateway's vehicle import format). */
export function residentsCsv(population: Population): string {
  return csv([
    ['车牌号', '房号', '车型', '能源类型', '备注'],
    ...population.residents.map((v) => [
      v.plate,
      v.household ?? '',
      v.vehicleClass === 'large' ? '大型车' : '小型车',
      v.energy === 'electric' ? '新能源' : '燃油',
      v.commuter ? '通勤' : '',
    ]),
  ]);
}

/** Pre-registered visitors (the gateway's visitor import format), times as epoch ms. */
export function visitorsCsv(visits: readonly PlannedVisit[]): string {
  return csv([
    ['车牌号', '被访房号', '开始时间', '结束时间', '登记人', '备注'],
    ...visits.map((v) => [v.vehicle.plate, v.host, String(v.validFrom), String(v.validTo), '业主预约', '模拟访客']),
  ]);
}

export function blacklistCsv(vehicles: readonly SimVehicle[]): string {
  return csv([['车牌号', '原因'], ...vehicles.map((v) => [v.plate, '多次欠费逃费'])]);
}

export class GatewayApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayApiError';
  }
}

/** A small client of the gateway's HTTP API (docs/http-api.md), logged in as one user. */
export class GatewayApi {
  private token: string | null = null;

  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<void> {
    const reply = await this.request('POST', '/api/auth/login', { username, password });
    this.token = (reply as { token: string }).token;
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body: payload });
    const text = await res.text();
    if (!res.ok) throw new GatewayApiError(res.status, `${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text === '' ? null : JSON.parse(text);
  }

  /** CSV import of vehicles, visitors or the blacklist (docs/http-api.md). */
  async importCsv(site: string, kind: 'vehicles' | 'visitors' | 'blacklist', csvText: string): Promise<ImportSummary> {
    return (await this.request('POST', `/api/sites/${site}/${kind}/import`, csvText, 'text/csv')) as ImportSummary;
  }

  sessions(site: string, query: Record<string, string | number> = {}): Promise<SessionsPage> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    return this.request('GET', `/api/sites/${site}/sessions?${params}`) as Promise<SessionsPage>;
  }
}

export interface SessionsPage {
  total: number;
  items: {
    id: string;
    plate: string;
    entryAt: number | null;
    exitAt: number | null;
    status: 'open' | 'closed';
    credentialKind: string;
    paidFen: number;
    feeFen: number | null;
  }[];
}

/** How the demo puts residents, visitors and the blacklist into the gateway. */
export interface Registrar {
  residents(site: string, population: Population): Promise<void>;
  visitors(site: string, visits: readonly PlannedVisit[]): Promise<void>;
  blacklist(site: string, vehicles: readonly SimVehicle[]): Promise<void>;
}

export interface ImportSummary {
  ok: boolean;
  imported?: number;
  updated?: number;
  rejected?: { line: number; reason: string }[];
  reason?: string;
}

/** Through the HTTP API's CSV imports, as admin; rejected rows are reported to `warn`. */
export function httpRegistrar(api: GatewayApi, warn: (message: string) => void = () => {}): Registrar {
  async function load(site: string, kind: 'vehicles' | 'visitors' | 'blacklist', text: string): Promise<void> {
    const result = await api.importCsv(site, kind, text);
    for (const r of result.rejected ?? []) warn(`${site} ${kind} import: line ${r.line}: ${r.reason}`);
  }
  const known = new Set<string>();
  return {
    async residents(site, population) {
      await load(site, 'vehicles', residentsCsv(population));
      for (const v of population.residents) known.add(`${site}/${v.household}`);
    },
    async visitors(site, visits) {
      if (visits.length === 0) return;
      // Hosts without a car of their own are not in the registry yet.
      for (const host of new Set(visits.map((v) => v.host))) {
        if (known.has(`${site}/${host}`)) continue;
        await api.request('POST', `/api/sites/${site}/households`, { id: host, room: host });
        known.add(`${site}/${host}`);
      }
      await load(site, 'visitors', visitorsCsv(visits));
    },
    blacklist: async (site, vehicles) => {
      if (vehicles.length > 0) await load(site, 'blacklist', blacklistCsv(vehicles));
    },
  };
}

/** Try `first`; where it answers 404 (a route not there), use `fallback` from then on for that call. */
export function fallbackRegistrar(first: Registrar, fallback: Registrar, warn: (message: string) => void): Registrar {
  const useFallback = new Set<keyof Registrar>();
  function wrap<K extends keyof Registrar>(key: K): Registrar[K] {
    return (async (site: string, items: never) => {
      if (!useFallback.has(key)) {
        try {
          return await (first[key] as (s: string, i: never) => Promise<void>)(site, items);
        } catch (err) {
          if (!(err instanceof GatewayApiError) || (err.status !== 404 && err.status !== 415)) throw err;
          useFallback.add(key);
          warn(`${key}: ${err.message}; registering in-process instead`);
        }
      }
      return (fallback[key] as (s: string, i: never) => Promise<void>)(site, items);
    }) as Registrar[K];
  }
  return { residents: wrap('residents'), visitors: wrap('visitors'), blacklist: wrap('blacklist') };
}
