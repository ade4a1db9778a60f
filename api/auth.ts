import { z } from 'zod';
import { Email, Id, Locale, Timestamp } from './common.ts';

export const Role = z.enum(['light_agent', 'agent', 'lead', 'admin']);

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(1024) });

export const Me = z.object({
  kind: z.enum(['user', 'customer']),
  id: Id,
  name: z.string(),
  email: z.string(),
  role: Role.nullable(),
  locale: Locale,
  csrfToken: z.string().nullable(),
});

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(12, 'at least 12 characters').max(1024),
});

export const TokenScope = z.enum(['read', 'write', 'admin']);
export const CreateTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(TokenScope).min(1),
  expiresAt: Timestamp.optional(),
});
export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(TokenScope),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export const CreatedToken = ApiToken.extend({ token: z.string() });
/** Every user's tokens, for admins: the owner with each token. */
export const AdminApiToken = ApiToken.extend({ user: z.object({ id: Id, name: z.string(), email: z.string(), active: z.boolean() }) });
export const AdminTokensQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  userId: Id.optional(),
  /** true: only tokens that still work (not revoked, not expired) */
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const MagicLinkBody = z.object({ email: Email });
export const MagicVerifyBody = z.object({ token: z.string().min(20).max(200) });
