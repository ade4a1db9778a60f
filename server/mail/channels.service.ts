// Mail channels (mailboxes): who may see and configure them. Secrets are write-only.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { ChannelSettings, CreateChannelBody, UpdateChannelBody } from '../../api/mail.ts';
import type { Actor } from '../actor.ts';
import type { Db } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { authorize, can } from '../policy.ts';
import { channelsChanged } from './inbound/webhook-auth.ts';

export type Settings = z.infer<typeof ChannelSettings>;
export type ChannelRow = { id: string; name: string; address: string; group_id: string | null; active: boolean; settings: Settings; webhook_token: string; created_at: Date; updated_at: Date };

const SECRET_FIELDS: [keyof Settings, string][] = [['imap', 'password'], ['smtpOut', 'password'], ['webhooks', 'mailgunSigningKey']];

/** Settings as the API shows them: each secret replaced by { set: true }. */
export function redact(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(settings);
  for (const [section, field] of SECRET_FIELDS) {
    const s = out[section] as Record<string, unknown> | null | undefined;
    if (s && field in s) s[field] = { set: true };
  }
  return out;
}

/** New settings over old: an omitted secret keeps its stored value. */
function mergeSecrets(next: Settings, prev: Settings): Settings {
  const out = structuredClone(next) as Record<string, Record<string, unknown> | null | undefined>;
  for (const [section, field] of SECRET_FIELDS) {
    const n = out[section];
    const p = (prev as Record<string, Record<string, unknown> | null | undefined>)[section];
    if (n && p && n[field] === undefined && p[field] !== undefined) n[field] = p[field];
  }
  return out as Settings;
}

export async function listChannels(deps: Deps, actor: Actor): Promise<ChannelRow[]> {
  authorize(actor, 'mail.read');
  return (await deps.db.selectFrom('mail_channels').selectAll().orderBy('id').limit(500).execute()) as ChannelRow[];
}

export async function channelById(db: Db, id: string): Promise<ChannelRow | null> {
  return ((await db.selectFrom('mail_channels').selectAll().where('id', '=', id).executeTakeFirst()) as ChannelRow | undefined) ?? null;
}

export async function getChannel(deps: Deps, actor: Actor, id: string): Promise<ChannelRow> {
  authorize(actor, 'mail.read');
  const c = await channelById(deps.db, id);
  if (!c) throw notFound('channel');
  return c;
}

export const showToken = (actor: Actor) => can(actor, 'mail.admin');

async function checkGroup(db: Db, groupId: string | null | undefined) {
  if (!groupId) return;
  const g = await db.selectFrom('groups').select('id').where('id', '=', groupId).executeTakeFirst();
  if (!g) throw new AppError('validation_failed', 'group does not exist', { errors: [{ path: '/groupId', message: 'no such group' }] });
}

function addressTaken(e: unknown): never {
  if ((e as { constraint?: string }).constraint === 'mail_channels_address_key') throw new AppError('conflict', 'another channel has this address');
  throw e;
}

export async function createChannel(deps: Deps, actor: Actor, input: z.infer<typeof CreateChannelBody>): Promise<ChannelRow> {
  authorize(actor, 'mail.admin');
  await checkGroup(deps.db, input.groupId);
  const row = (await deps.db
    .insertInto('mail_channels')
    .values({
      name: input.name, address: input.address, group_id: input.groupId ?? null, active: input.active,
      settings: JSON.stringify(input.settings), webhook_token: randomBytes(24).toString('base64url'),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch(addressTaken)) as ChannelRow;
  channelsChanged(); // an id asked for before it existed is not remembered as unknown
  return row;
}

export async function updateChannel(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateChannelBody>): Promise<ChannelRow> {
  authorize(actor, 'mail.admin');
  const prev = await channelById(deps.db, id);
  if (!prev) throw notFound('channel');
  await checkGroup(deps.db, input.groupId);
  const set: Record<string, unknown> = { updated_at: new Date() };
  if (input.name !== undefined) set.name = input.name;
  if (input.address !== undefined) set.address = input.address;
  if (input.groupId !== undefined) set.group_id = input.groupId;
  if (input.active !== undefined) set.active = input.active;
  if (input.settings !== undefined) set.settings = JSON.stringify(mergeSecrets(input.settings, prev.settings));
  const row = (await deps.db.updateTable('mail_channels').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow().catch(addressTaken)) as ChannelRow;
  channelsChanged();
  return row;
}

export async function rotateToken(deps: Deps, actor: Actor, id: string): Promise<ChannelRow> {
  authorize(actor, 'mail.admin');
  const r = await deps.db.updateTable('mail_channels').set({ webhook_token: randomBytes(24).toString('base64url'), updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
  channelsChanged();
  if (!r) throw notFound('channel');
  return r as ChannelRow;
}
