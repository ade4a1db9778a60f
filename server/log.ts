// The process logger. Request URLs are logged without secrets: query values of token-like
// parameters (webhook ?token=, magic-link codes, signatures) are replaced by "[redacted]".
import pino, { type DestinationStream, type Logger } from 'pino';

const SECRET_PARAM = /^(token|access_token|key|api_key|apikey|signature|sig|secret|password|code)$/i;

/** The URL with the values of secret-looking query parameters redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&').map((p) => {
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // a malformed name is kept as written
    }
    return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=[redacted]` : p;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

type ReqLike = { method?: string; url?: string; ip?: string; headers?: Record<string, unknown>; id?: unknown };

export function createLogger(level: string, stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'slovo' },
      serializers: {
        req: (r: ReqLike) => ({ id: r.id, method: r.method, url: r.url ? redactUrl(r.url) : r.url, remoteAddress: r.ip }),
        res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    stream,
  );
}
