// Maps every error to application/problem+json with a stable `code`.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERRORS, type ErrorCode } from '../errors.ts';

export function sendProblem(reply: FastifyReply, code: ErrorCode, detail?: string, extra?: Record<string, unknown>) {
  const { status, title } = ERRORS[code];
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: `urn:slovo:problem:${code}`, title, status, code, detail: detail ?? title, instance: reply.request.url, ...extra });
}

export function installProblemHandlers(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof AppError) return sendProblem(reply, err.code, err.message, err.extra);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({
        where: err.validationContext,
        path: v.instancePath || '/',
        message: v.message,
      }));
      return sendProblem(reply, 'validation_failed', `invalid ${err.validationContext}: ${errors[0]?.path} ${errors[0]?.message}`, { errors });
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, 'payload_too_large', fe.message);
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, 'unsupported_media_type', fe.message);
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && fe.code?.startsWith('FST_'))) {
      return sendProblem(reply, 'bad_request', fe.message);
    }
    if (fe.statusCode === 429) return sendProblem(reply, 'rate_limited', fe.message);
    if (fe.statusCode === 413) return sendProblem(reply, 'payload_too_large', fe.message);
    if (fe.statusCode === 415) return sendProblem(reply, 'unsupported_media_type', fe.message);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return sendProblem(reply, 'bad_request', fe.message);
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, 'internal', 'Something went wrong; the error is logged');
  });
  app.decorate('webPage', null);
  app.setNotFoundHandler((req, reply) => {
    // a page of the web app (deep link) when it is served; the API and files stay problem+json
    const p = req.url.split('?')[0];
    if (app.webPage && req.method === 'GET' && !p.startsWith('/api/') && !p.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(p)) return app.webPage(req, reply);
    return sendProblem(reply, 'not_found', `no route ${req.method} ${p}`);
  });
}
