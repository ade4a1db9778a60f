// IMAP over STARTTLS against a real Dovecot with a self-signed certificate: refused while the
// certificate is checked (the path records why), ingested once the admin trusts it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import { setup, type TestCtx } from '../../test/harness.ts';
import { until } from '../../test/until.ts';
import { makeChannel, rawMail } from '../test/mail-kit.ts';
import { startImapPaths } from './imap-path.ts';

let ctx: TestCtx;
let dv: Dovecot;
const USER = { user: 'tls@example.test', password: 'secret-tls' };

before(async () => {
  ctx = await setup({ jobs: true });
  dv = await startDovecot({ users: [USER], tls: true });
});
after(async () => {
  await dv?.close();
  await ctx?.close();
});

const settings = (extra: Record<string, unknown>) =>
  JSON.stringify({ imap: { host: '127.0.0.1', port: dv.port, secure: false, user: USER.user, password: USER.password, folders: ['INBOX'], pollSeconds: 5, starttls: 'require', ...extra } });
const mail = (id: string, messageId: string) =>
  ctx.deps.db.selectFrom('inbound_mails').select('id').where('channel_id', '=', id).where('message_id', '=', messageId).executeTakeFirst();

test('a self-signed certificate stops the path with the reason; trusting it lets the mail in', async () => {
  const id = (await makeChannel(ctx.deps.db, 'tls@desk.test', JSON.parse(settings({})))).id;
  await dv.append(USER.user, rawMail({ subject: 'Через TLS', messageId: 'tls-1@client.test' }));
  const stop = await startImapPaths(ctx.deps, { only: [id], rescanMs: 300 });
  try {
    const st = await until('certificate error', async () => {
      const r = await ctx.deps.db.selectFrom('mail_path_state').selectAll().where('channel_id', '=', id).where('path', '=', 'imap').executeTakeFirst();
      return r?.last_error ? r : null;
    }, 15_000);
    assert.match(st.last_error!, /certificate/i);
    assert.equal(await mail(id, 'tls-1@client.test'), undefined, 'nothing fetched over an unchecked connection');

    await ctx.deps.db.updateTable('mail_channels').set({ settings: settings({ checkCertificate: false }) }).where('id', '=', id).execute();
    await until('the mail over TLS', () => mail(id, 'tls-1@client.test'), 20_000);
  } finally {
    await stop();
  }
});
