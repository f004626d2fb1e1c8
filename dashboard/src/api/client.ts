import { expire, getAuth } from './auth.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The parsed JSON error body, for replies that explain more than a message (a refused CSV import). */
  readonly body: unknown;
  constructor(status: number, code: string, message: string, body: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Query;
  json?: unknown;
  csv?: string;
  accept?: string;
  /** Public endpoints are called without the token even when logged in. */
  anonymous?: boolean;
};

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/** Path segments from the UI (plates hold Chinese characters) go through here. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.csv !== undefined) {
    headers['content-type'] = 'text/csv; charset=utf-8';
    body = options.csv;
  }
  const auth = options.anonymous ? null : getAuth();
  if (auth) headers.authorization = `Bearer ${auth.token}`;
  const response = await fetch(withQuery(path, options.query), { method: options.method ?? 'GET', headers, body });
  if (response.ok) return response;
  let code = `HTTP_${response.status}`;
  let message = response.statusText;
  let errorBody: unknown = null;
  try {
    errorBody = await response.json();
    const error = errorBody as { code?: string; message?: string; reason?: string };
    code = error.code ?? code;
    message = error.message ?? error.reason ?? message;
  } catch {
    // not a JSON error body; keep the status text
  }
  if (response.status === 401 && auth) expire();
  throw new ApiError(response.status, code, message, errorBody);
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export async function apiText(path: string, accept: string): Promise<string> {
  const response = await send(path, { accept });
  return response.text();
}

/** Fetch a file with the token and hand it to the browser as a download. */
export async function download(path: string, filename: string, accept: string): Promise<void> {
  const response = await send(path, { accept });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(function revoke() {
    URL.revokeObjectURL(url);
  }, 10_000);
}
