import { z } from 'zod';
import { IdParams } from '../../../api/common.ts';
import { Attachment } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import { presentAttachment } from '../tickets/messages.presenter.ts';
import { SAFE_INLINE, upload, download } from './attachments.service.ts';

const tags = ['attachments'];

/** RFC 6266 / 5987 header: ASCII fallback plus the UTF-8 name (only attr-chars, so ' ( ) * are escaped too). */
function disposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const utf8 = encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

export function attachmentRoutes(app: App, deps: Deps) {
  app.register(async (sub) => {
    // the body is the file itself, whatever its type: no JSON or text parsing (they would change the bytes)
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.config.SLOVO_ATTACHMENT_MAX_BYTES + 1 }, (_req, body, done) => done(null, body));
    sub.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>().post('/api/v1/attachments', {
      schema: {
        tags, summary: 'Upload a file (raw body; Content-Type is the file type); attach it by id when writing a message',
        querystring: z.object({ filename: z.string().min(1).max(255) }),
        response: { 201: Attachment },
      },
    }, async (req, reply) => {
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0); // no body at all: an empty file
      const input = { filename: req.query.filename, contentType: req.headers['content-type'] ?? 'application/octet-stream', data };
      return idempotent(deps, req, reply, 201, async (d) => presentAttachment(await upload(d, req.actor, input)));
    });
  });

  app.get('/api/v1/attachments/:id', {
    schema: { tags, summary: 'Download an attachment (served as a download unless a safe image)', params: IdParams },
  }, async (req, reply) => {
    const a = await download(deps, req.actor, req.params.id);
    const inline = SAFE_INLINE.has(a.content_type);
    reply
      .header('content-type', inline ? a.content_type : 'application/octet-stream')
      .header('content-disposition', disposition(inline ? 'inline' : 'attachment', a.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=3600')
      .header('etag', `"${a.blob_sha256}"`);
    return reply.send(a.data);
  });
}
