// Mail over HTTP: the raw-MIME endpoint, Mailgun / Postmark / SendGrid inbound webhooks
// (token- or signature-authenticated, no session) and the agents' .eml upload.
// Every 2xx is sent only after receiveRaw committed the bytes; a malformed payload with
// good auth stores nothing and gets 400 (the provider retries or alerts).
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ChannelParams, InboundAck, TokenQuery, UploadQuery, UploadResult } from '../../../api/mail-inbound.ts';
import type { MailPath } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { sendProblem } from '../../http/problem.ts';
import type { App } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import { channelById, type ChannelRow } from '../channels.service.ts';
import { receiveRaw } from '../receive.ts';
import { DEFAULT_PARSE_LIMITS } from '../types.ts';
import { parseForm } from './form-data.ts';
import { postmarkRaw, PostmarkInbound } from './postmark.ts';
import { channelForToken, mailgunSignatureOk, presentedToken, type TokenSource } from './webhook-auth.ts';

const tags = ['mail'];
const MAX_MAIL = DEFAULT_PARSE_LIMITS.maxBytes;
const security: { [k: string]: string[] }[] = []; // not the API's bearer/session: a webhook token or signature

type Req = FastifyRequest<{ Params: { channelId: string }; Querystring: { token?: string } }>;

function badPayload(reply: FastifyReply, reason: string, detail: string) {
  return sendProblem(reply, 'bad_request', detail, { reason });
}

async function authenticate(deps: Deps, req: Req, reply: FastifyReply, sources: TokenSource[]): Promise<ChannelRow | null> {
  const c = await channelForToken(deps, req.params.channelId, presentedToken(req, sources));
  if (!c) {
    sendProblem(reply, 'unauthenticated', 'unknown channel or wrong webhook token');
    return null;
  }
  if (!c.active) {
    sendProblem(reply, 'forbidden', 'the mail channel is disabled', { reason: 'channel_inactive' });
    return null;
  }
  return c;
}

/** Stores the mail and answers 200 only once it is committed; a storage failure is 503 (retry). */
async function store(deps: Deps, req: FastifyRequest, reply: FastifyReply, channelId: string, path: MailPath, raw: Buffer, pathRef?: string) {
  if (!raw.length) return badPayload(reply, 'empty_mail', 'the mail is empty');
  if (raw.length > MAX_MAIL) return sendProblem(reply, 'payload_too_large', `a mail may have at most ${MAX_MAIL} bytes`);
  try {
    const r = await receiveRaw(deps, { channelId, path, raw, pathRef });
    return reply.code(200).send({ mailId: r.mailId, duplicate: r.duplicate });
  } catch (err) {
    req.log.error({ err, channelId, path }, 'inbound mail not stored');
    return sendProblem(reply, 'unavailable', 'the mail could not be stored; retry later');
  }
}

const bodyBuffer = (req: FastifyRequest) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

export function inboundRoutes(app: App, deps: Deps): void {
  // The body is the mail itself: no parsing, the bytes must stay exactly as sent.
  app.register(async (scope) => {
    const sub = scope.withTypeProvider<ZodTypeProvider>();
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_MAIL }, (_req, body, done) => done(null, body));

    sub.post('/api/v1/mail/inbound/:channelId/raw', {
      schema: {
        tags, security, summary: 'Raw MIME webhook: the body is the mail (any Content-Type); Authorization: Bearer <webhook token> or ?token=',
        params: ChannelParams, querystring: TokenQuery, response: { 200: InboundAck },
      },
    }, async (req, reply) => {
      const c = await authenticate(deps, req, reply, ['bearer', 'query']);
      if (!c) return reply;
      return store(deps, req, reply, c.id, 'raw', bodyBuffer(req), typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 200) : undefined);
    });

    sub.post('/api/v1/mail/upload', {
      schema: {
        tags, summary: 'Upload an .eml (message/rfc822 or application/octet-stream body) into a channel; same bytes give the same mail',
        querystring: UploadQuery, response: { 202: UploadResult },
      },
    }, async (req, reply) => {
      authorize(req.actor, 'mail.upload');
      const c = await channelById(deps.db, req.query.channelId);
      if (!c) throw notFound('channel');
      const raw = bodyBuffer(req);
      if (!raw.length) return badPayload(reply, 'empty_mail', 'the .eml is empty');
      const r = await receiveRaw(deps, { channelId: c.id, path: 'upload', raw, pathRef: `user:${req.actor.id}` });
      const row = await deps.db.selectFrom('inbound_mails').select('stage').where('id', '=', r.mailId).executeTakeFirstOrThrow();
      return reply.code(202).send({ mailId: r.mailId, duplicate: r.duplicate, stage: row.stage });
    });
  });

  // Mailgun and SendGrid post forms; the raw mail is one field, read as bytes.
  app.register(async (scope) => {
    const sub = scope.withTypeProvider<ZodTypeProvider>();
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser(['multipart/form-data', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit: 3 * MAX_MAIL }, (_req, body, done) => done(null, body));

    sub.post('/api/v1/mail/inbound/:channelId/mailgun', {
      schema: {
        tags, security, summary: 'Mailgun route forward with raw MIME (body-mime); checked by the signature (signing key in channel settings)',
        params: ChannelParams, querystring: TokenQuery, response: { 200: InboundAck },
      },
    }, async (req, reply) => {
      const c = await channelById(deps.db, req.params.channelId);
      const key = c?.settings.webhooks?.mailgunSigningKey;
      const form = parseForm(bodyBuffer(req), req.headers['content-type'] ?? '');
      const field = (n: string) => form?.get(n)?.data.toString('utf8') ?? '';
      const [timestamp, token, signature] = [field('timestamp'), field('token'), field('signature')];
      // without a signature we cannot tell a broken body from a forged one: 401 first
      const verdict = c && key && timestamp && token && signature ? mailgunSignatureOk(key, timestamp, token, signature) : 'bad_signature';
      if (!c || verdict === 'bad_signature') return sendProblem(reply, 'unauthenticated', 'unknown channel, no signing key set, or a wrong Mailgun signature');
      if (verdict === 'stale') return sendProblem(reply, 'unauthenticated', 'the Mailgun timestamp is more than 15 minutes off', { reason: 'stale_timestamp' });
      if (!c.active) return sendProblem(reply, 'forbidden', 'the mail channel is disabled', { reason: 'channel_inactive' });
      const raw = form?.get('body-mime')?.data;
      if (!raw) return badPayload(reply, 'missing_body_mime', 'no body-mime field: point the route at the URL ending in /mailgun with forward() raw MIME');
      // a token is single-use: claimed by an insert on its key (two posts racing cannot both pass);
      // the same token with the same bytes is a retry of the same post and goes through
      const sha = createHash('sha256').update(raw).digest('hex');
      const claimed = await deps.db.insertInto('mailgun_tokens').values({ channel_id: c.id, token: token.slice(0, 200), sha256: sha })
        .onConflict((oc) => oc.columns(['channel_id', 'token']).doNothing()).returning('sha256').executeTakeFirst();
      const seen = claimed ?? await deps.db.selectFrom('mailgun_tokens').select('sha256').where('channel_id', '=', c.id).where('token', '=', token.slice(0, 200)).executeTakeFirst();
      if (seen && seen.sha256 !== sha) {
        return sendProblem(reply, 'unauthenticated', 'this Mailgun token was already used for another mail', { reason: 'replayed_token' });
      }
      return store(deps, req, reply, c.id, 'mailgun', raw, token.slice(0, 200));
    });

    sub.post('/api/v1/mail/inbound/:channelId/sendgrid', {
      schema: {
        tags, security, summary: 'SendGrid Inbound Parse with "POST the raw, full MIME message" (field email); ?token= (SendGrid signs nothing)',
        params: ChannelParams, querystring: TokenQuery, response: { 200: InboundAck },
      },
    }, async (req, reply) => {
      const c = await authenticate(deps, req, reply, ['query', 'basic']);
      if (!c) return reply;
      const form = parseForm(bodyBuffer(req), req.headers['content-type'] ?? '');
      if (!form) return badPayload(reply, 'invalid_form', 'the body is not multipart/form-data');
      const raw = form.get('email')?.data;
      if (!raw) return badPayload(reply, 'missing_email', 'no email field: turn on "POST the raw, full MIME message" in Inbound Parse');
      return store(deps, req, reply, c.id, 'sendgrid', raw);
    });
  });

  // Postmark posts JSON; parsed here (after auth) so a bad body is a 400 with a reason.
  app.register(async (scope) => {
    const sub = scope.withTypeProvider<ZodTypeProvider>();
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 2 * MAX_MAIL }, (_req, body, done) => done(null, body));

    sub.post('/api/v1/mail/inbound/:channelId/postmark', {
      schema: {
        tags, security, summary: 'Postmark inbound webhook (JSON); Basic auth password or ?token= is the webhook token',
        params: ChannelParams, querystring: TokenQuery, response: { 200: InboundAck },
      },
    }, async (req, reply) => {
      const c = await authenticate(deps, req, reply, ['basic', 'query']);
      if (!c) return reply;
      let json: unknown;
      try {
        json = JSON.parse(bodyBuffer(req).toString('utf8'));
      } catch {
        return badPayload(reply, 'invalid_json', 'the body is not JSON');
      }
      const p = PostmarkInbound.safeParse(json);
      if (!p.success) return badPayload(reply, 'invalid_payload', `not a Postmark inbound payload: ${p.error.issues[0]?.path.join('.')} ${p.error.issues[0]?.message}`);
      if (!p.data.RawEmail && !p.data.FromFull && !p.data.From) return badPayload(reply, 'invalid_payload', 'not a Postmark inbound payload: no From');
      let raw: Buffer;
      try {
        raw = await postmarkRaw(p.data);
      } catch (err) {
        return badPayload(reply, 'invalid_payload', `the mail could not be rebuilt: ${(err as Error).message}`);
      }
      return store(deps, req, reply, c.id, 'postmark', raw, p.data.MessageID?.slice(0, 200));
    });
  });
}
