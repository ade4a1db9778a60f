// Config is parsed once at boot from the environment (and .env); a bad value stops the start.
import { config as loadDotenv } from 'dotenv';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  // Which proxies may set X-Forwarded-For: unset = none; "true" = any; a hop count; or IPs/CIDRs, comma-separated.
  SLOVO_TRUST_PROXY: z.string().regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+)$/, 'use true, false, a hop count or a list of IPs/CIDRs').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  SLOVO_DATA_DIR: z.string().default('./data'),
  SLOVO_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  SLOVO_PG_SHARED_BUFFERS: z.string().regex(/^\d+(kB|MB|GB)$/).default('256MB'),
  SLOVO_DB_POOL: z.coerce.number().int().min(1).max(200).default(20),
  SLOVO_TICKET_PREFIX: z.string().regex(/^[A-Z][A-Z0-9]{0,7}$/, 'use 1-8 capital letters/digits, e.g. SL').default('SL'),
  SLOVO_NEW_CUSTOMER_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SLOVO_ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  SLOVO_SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  SLOVO_COOKIE_SECURE: bool.optional(),
  SLOVO_LOGIN_MAX_FAILS: z.coerce.number().int().min(1).default(10),
  SLOVO_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  SLOVO_RATE_LIMIT_LOGIN: z.coerce.number().int().min(1).default(20),
  SLOVO_ADMIN_EMAIL: z.string().email().optional(),
  SLOVO_ADMIN_PASSWORD: z.string().min(12, 'SLOVO_ADMIN_PASSWORD must be at least 12 characters').optional(),
  SLOVO_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SLOVO_SMTP_HOST: z.string().default('127.0.0.1'),
  SLOVO_SMTP_MAX_BYTES: z.coerce.number().int().min(1024).default(40 * 1024 * 1024),
  // Loop guard: more mails than this from one sender within 10 minutes go to quarantine (reason "loop").
  SLOVO_MAIL_SENDER_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  SLOVO_JOBS: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema> & { dataDir: string; publicUrl: string; cookieSecure: boolean; trustProxy: boolean | number | string[] };

function parseTrustProxy(v: string | undefined): boolean | number | string[] {
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { dotenv?: boolean } = {}): Config {
  if (opts.dotenv !== false) loadDotenv({ quiet: true });
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const publicUrl = c.PUBLIC_URL ?? `http://${c.HOST === '0.0.0.0' ? 'localhost' : c.HOST}:${c.PORT}`;
  return {
    ...c,
    dataDir: path.resolve(c.SLOVO_DATA_DIR),
    publicUrl,
    trustProxy: parseTrustProxy(c.SLOVO_TRUST_PROXY),
    cookieSecure: c.SLOVO_COOKIE_SECURE ?? (publicUrl.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(publicUrl)),
  };
}
