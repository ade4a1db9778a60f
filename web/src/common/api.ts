// fetch wrapper for the web apps: JSON in/out, the CSRF header on writes (cookie sessions),
// problem+json errors as ApiError, 401 → the app's sign-in screen.
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly body: unknown = null) {
    super(message);
  }
}

let onUnauthorized: (() => void) | null = null;
/** Called once per app: what to do when the session is gone (expired, logged out elsewhere). */
export function setUnauthorizedHandler(fn: (() => void) | null) {
  onUnauthorized = fn;
}

export function csrfToken(): string | null {
  const m = document.cookie.match(/(?:^|;\s*)slovo_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

type Opts = { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal; form?: FormData; raw?: Blob };

export async function api<T = unknown>(method: string, url: string, opts: Opts = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.raw) {
    body = opts.raw; // a file as the whole body (POST /api/v1/attachments)
    headers['content-type'] = opts.raw.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const t = csrfToken();
    if (t) headers['x-csrf-token'] = t;
  }
  const res = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  const text = await res.text();
  const data = text ? safeJson(text) : null;
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; detail?: string; title?: string };
    // a wrong password (invalid_credentials) is not an expired session
    if (res.status === 401 && p.code !== 'invalid_credentials' && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? p.title ?? res.statusText, data);
  }
  return data as T;
}

function safeJson(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

export const get = <T>(url: string, signal?: AbortSignal) => api<T>('GET', url, { signal });
export const post = <T>(url: string, body?: unknown, headers?: Record<string, string>) => api<T>('POST', url, { body: body ?? {}, headers });
export const patch = <T>(url: string, body: unknown, headers?: Record<string, string>) => api<T>('PATCH', url, { body, headers });
export const put = <T>(url: string, body: unknown) => api<T>('PUT', url, { body });
export const del = <T>(url: string) => api<T>('DELETE', url);

/** Query string from an object; undefined/null/'' dropped, arrays joined by commas. */
export function qs(params: Record<string, unknown>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
