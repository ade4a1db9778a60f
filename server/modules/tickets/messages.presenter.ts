import type { z } from 'zod';
import type { Message as MessageShape } from '../../../api/tickets.ts';
import type { Message } from '../../db/types.ts';
import { knownFlags, knownSignals, type StoredAnalysis, type StoredCoach } from '../coach/analysis.ts';
import { isoReq } from '../../http/types.ts';

type Att = { id: string; filename: string; content_type: string; size: string | number; blob_sha256: string };

export function presentAttachment(a: Att) {
  return { id: a.id, filename: a.filename, contentType: a.content_type, size: Number(a.size), sha256: a.blob_sha256, url: `/api/v1/attachments/${a.id}` };
}

type Mention = { id: string; name: string | null };

/** mention_users: the mentioned agents with their names (else ids only, names unknown). */
export function presentMessage(m: Message & { author_name: string | null; attachments: Att[]; mention_users?: Mention[] | null }): z.infer<typeof MessageShape> {
  return {
    id: m.id,
    ticketId: m.ticket_id,
    kind: m.kind,
    author: { type: m.author_type, id: m.author_user_id ?? m.author_customer_id, name: m.author_name },
    bodyHtml: m.body_html,
    bodyText: m.body_text,
    channel: m.channel,
    attachments: m.attachments.map(presentAttachment),
    analysis: m.author_type === 'customer' ? presentAnalysis(m.analysis as StoredAnalysis | null) : null,
    coach: m.author_type === 'agent' && m.kind === 'reply' ? presentCoach(m.coach as StoredCoach | null) : null,
    mentions: m.mention_users ? m.mention_users.map((u) => ({ id: String(u.id), name: u.name })) : (m.mentions ?? []).map((id) => ({ id: String(id), name: null })),
    createdAt: isoReq(m.created_at),
  };
}

type Shape = z.infer<typeof MessageShape>;

function presentAnalysis(a: StoredAnalysis | null): Shape['analysis'] {
  if (!a) return null;
  const details = (a.details ?? []).filter((d) => knownSignals([d.code]).length);
  return { lang: a.lang, signals: knownSignals(a.signals), triedSteps: a.tried_steps ?? [], details } as Shape['analysis'];
}

function presentCoach(c: StoredCoach | null): Shape['coach'] {
  if (!c) return null;
  return { flags: knownFlags(c.flags), promises: c.promises ?? [], overridden: knownFlags(c.overridden ?? []), acknowledged: Boolean(c.acknowledged) } as Shape['coach'];
}
