// PostgreSQL text and jsonb cannot hold NUL (U+0000): a request carrying one in its query,
// path or JSON body is refused up front (400) instead of failing in SQL (500).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

function hasNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\0');
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v) || depth > 64) return false;
  return Object.entries(v).some(([k, x]) => k.includes('\0') || hasNul(x, depth + 1));
}

export function installNulGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (req) => {
    if (hasNul(req.params) || hasNul(req.query) || hasNul(req.body)) {
      throw new AppError('validation_failed', 'text must not contain NUL (U+0000) characters');
    }
  });
}
