import { createHash } from 'node:crypto';
import { ADMINS, type AccessCase, type Fixture } from '../test/access.ts';

let n = 0;
/** A quarantined inbound mail (inserted directly: the access matrix runs without jobs). */
async function mail(f: Fixture): Promise<string> {
  const db = f.ctx.deps.db;
  const ch = await db.insertInto('mail_channels').values({ name: 'acc', address: `q${++n}-${Date.now()}@access.test`, webhook_token: 't'.repeat(32) }).returning('id').executeTakeFirstOrThrow();
  const raw = Buffer.from(`From: a@b.test\r\nSubject: x${n}\r\n\r\nhi\r\n`);
  const m = await db.insertInto('inbound_mails')
    .values({ channel_id: ch.id, path: 'upload', sha256: createHash('sha256').update(raw).digest('hex'), size: raw.length, raw, stage: 'quarantined', reason_code: 'parse_failed' })
    .returning('id').executeTakeFirstOrThrow();
  return m.id;
}

export default [
  { route: 'GET /api/v1/mail/received', allow: ADMINS, request: () => ({ url: '/api/v1/mail/received?stage=quarantined' }) },
  { route: 'GET /api/v1/mail/received/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/received/${await mail(f)}` }) },
  { route: 'GET /api/v1/mail/received/:id/source', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/received/${await mail(f)}/source` }) },
  { route: 'POST /api/v1/mail/received/:id/retry', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/received/${await mail(f)}/retry`, body: {} }) },
  { route: 'POST /api/v1/mail/received/:id/release', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/received/${await mail(f)}/release`, body: {} }) },
] satisfies AccessCase[];
