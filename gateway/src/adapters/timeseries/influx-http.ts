import { HttpError, InfluxDB, type Transport } from '@influxdata/influxdb-client';
import { influxDatabase, type TimeSeriesConfig } from './timeseries-config.ts';

/** What one request came to: 2xx, or the server's status (null for no answer: refused, reset, timeout) and message. */
export type HttpOutcome =
  | { ok: true; body: unknown }
  | { ok: false; status: number | null; message: string; retryAfterMs?: number };

/**
 * Writes and queries through the client's `Transport`: it surfaces the HTTP status of every request, whereas the
 * WriteApi buffers and retries on its own and only speaks `/api/v2/write` (InfluxDB 1.x before 1.8 has only `/write`).
 */
export class InfluxHttp {
  private readonly transport: Transport;
  private readonly headers: Record<string, string>;

  constructor(private readonly config: TimeSeriesConfig & { url: string }) {
    const influx = new InfluxDB({ url: config.url, token: config.token, timeout: config.timeoutMs });
    this.transport = influx.transport;
    this.headers = {};
    if (config.username !== undefined) {
      const basic = Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64');
      this.headers.authorization = `Basic ${basic}`;
    }
  }

  writePath(): string {
    const c = this.config;
    if (c.mode === 'v2') {
      const q = new URLSearchParams({ org: c.org ?? '', bucket: c.bucket ?? '', precision: 'ms' });
      return `/api/v2/write?${q}`;
    }
    const q = new URLSearchParams({ db: c.db ?? '', precision: 'ms' });
    if (c.rp) q.set('rp', c.rp);
    return `/write?${q}`;
  }

  write(lines: readonly string[]): Promise<HttpOutcome> {
    return this.request(this.writePath(), lines.join('\n'), 'POST', 'text/plain; charset=utf-8');
  }

  /** InfluxQL over `/query` (1.x, 2.x v1 compatibility, 3.x), epoch ms timestamps. */
  query(influxql: string): Promise<HttpOutcome> {
    const q = new URLSearchParams({ q: influxql, epoch: 'ms', db: influxDatabase(this.config) ?? '' });
    if (this.config.rp) q.set('rp', this.config.rp);
    return this.request(`/query?${q}`, '', 'GET', 'application/json');
  }

  private async request(path: string, body: string, method: string, contentType: string): Promise<HttpOutcome> {
    try {
      const headers = { ...this.headers, 'content-type': contentType, accept: 'application/json' };
      const result: unknown = await this.transport.request(path, body, { method, headers });
      return { ok: true, body: result };
    } catch (error) {
      if (error instanceof HttpError) {
        // The client parses Retry-After as whole seconds.
        const retryAfterMs = error.canRetry() ? error.retryAfter() * 1000 : undefined;
        const message = error.body || error.statusMessage || error.message;
        return { ok: false, status: error.statusCode, message, ...(retryAfterMs ? { retryAfterMs } : {}) };
      }
      return { ok: false, status: null, message: error instanceof Error ? error.message : String(error) };
    }
  }
}
