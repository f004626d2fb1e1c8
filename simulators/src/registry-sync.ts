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

  importVehicles(site: string, csvText: string): Promise<unknown> {
    return this.request('POST', `/api/sites/${site}/vehicles/import`, csvText, 'text/csv');
  }

  addVisitor(site: string, visit: PlannedVisit): Promise<unknown> {
    return this.request('POST', `/api/sites/${site}/visitors`, {
      plate: visit.vehicle.plate,
      host: visit.host,
      validFrom: visit.validFrom,
      validTo: visit.validTo,
      note: '模拟访客',
    });
  }

  addBlacklist(site: string, plate: string, reason: string): Promise<unknown> {
    return this.request('POST', `/api/sites/${site}/blacklist`, { plate, reason });
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

/** Through the HTTP API as admin. */
export function httpRegistrar(api: GatewayApi): Registrar {
  return {
    async residents(site, population) {
      await api.importVehicles(site, residentsCsv(population));
    },
    async visitors(site, visits) {
      for (const visit of visits) await api.addVisitor(site, visit);
    },
    async blacklist(site, vehicles) {
      for (const v of vehicles) await api.addBlacklist(site, v.plate, '多次欠费逃费');
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
