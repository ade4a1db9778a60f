// Webhooks take no session: the channel's token (or Mailgun's signature) lets anyone in,
// signed in or not (webhooks.test.ts checks that no token is 401 for all). Upload is for agents.
import { createHmac, randomBytes } from 'node:crypto';
import { AGENTS, EVERYONE, type AccessCase, type Fixture } from '../../test/access.ts';

let n = 0;
const SIGNING_KEY = 'key-access-matrix-signing';

async function channel(f: Fixture): Promise<{ id: string; token: string }> {
  const r = await f.admin.post('/api/v1/mail/channels', {
    name: 'Inbound', address: `inbound${++n}-${Date.now()}@access.test`, settings: { webhooks: { mailgunSigningKey: SIGNING_KEY } },
  });
  if (r.status !== 201) throw new Error(`channel create failed: ${r.raw}`);
  return { id: r.body.id, token: r.body.webhookToken };
}

const mail = () => `From: Customer <c${++n}@clients.test>\r\nTo: support@access.test\r\nSubject: access ${n}\r\nMessage-ID: <access-${n}-${Date.now()}@clients.test>\r\n\r\nHello\r\n`;

function multipart(fields: Record<string, string>): { raw: string; type: string } {
  const b = `xYzZY${randomBytes(4).toString('hex')}`;
  const raw = Object.entries(fields).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${b}--\r\n`;
  return { raw, type: `multipart/form-data; boundary=${b}` };
}

export default [
  {
    route: 'POST /api/v1/mail/inbound/:channelId/raw', allow: EVERYONE,
    request: async (f) => {
      const c = await channel(f);
      return { url: `/api/v1/mail/inbound/${c.id}/raw?token=${c.token}`, raw: mail(), headers: { 'content-type': 'message/rfc822' } };
    },
  },
  {
    route: 'POST /api/v1/mail/inbound/:channelId/mailgun', allow: EVERYONE,
    request: async (f) => {
      const c = await channel(f);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const token = randomBytes(25).toString('hex');
      const signature = createHmac('sha256', SIGNING_KEY).update(timestamp + token).digest('hex');
      const body = multipart({ recipient: 'support@access.test', 'body-mime': mail(), timestamp, token, signature });
      return { url: `/api/v1/mail/inbound/${c.id}/mailgun`, raw: body.raw, headers: { 'content-type': body.type } };
    },
  },
  {
    route: 'POST /api/v1/mail/inbound/:channelId/postmark', allow: EVERYONE,
    request: async (f) => {
      const c = await channel(f);
      return {
        url: `/api/v1/mail/inbound/${c.id}/postmark?token=${c.token}`,
        body: { FromFull: { Email: `p${++n}@clients.test`, Name: 'P' }, ToFull: [{ Email: 'support@access.test', Name: '' }], Subject: 'access', MessageID: `pm-${n}-${Date.now()}`, Date: 'Fri, 1 Aug 2014 16:45:32 -0400', TextBody: 'Hello', Headers: [], Attachments: [] },
      };
    },
  },
  {
    route: 'POST /api/v1/mail/inbound/:channelId/sendgrid', allow: EVERYONE,
    request: async (f) => {
      const c = await channel(f);
      const body = multipart({ email: mail(), to: 'support@access.test', envelope: '{"to":["support@access.test"],"from":"c@clients.test"}' });
      return { url: `/api/v1/mail/inbound/${c.id}/sendgrid?token=${c.token}`, raw: body.raw, headers: { 'content-type': body.type } };
    },
  },
  {
    route: 'POST /api/v1/mail/upload', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/mail/upload?channelId=${(await channel(f)).id}`, raw: mail(), headers: { 'content-type': 'message/rfc822' } }),
  },
] satisfies AccessCase[];
