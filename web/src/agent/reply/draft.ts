// The unsent draft per ticket, in sessionStorage: survives a reload, a route change and a
// session expiry; cleared after a 201.
import type { z } from 'zod';
import type { Attachment as AttachmentSchema } from '../../../../api/tickets.ts';

export type Attachment = z.infer<typeof AttachmentSchema>;
export type PromiseKind = 'callback' | 'update' | 'fix' | 'info' | 'other';
/** What the agent decided about a promise the coach found (keyed by its text). */
export type PromiseEdit = { confirmed?: boolean; dropped?: boolean; dueLocal?: string; ownerId?: string; kind?: PromiseKind };
export type ReplyKind = 'reply' | 'note';

export type Draft = {
  html: string;
  plain: boolean;
  kind: ReplyKind;
  status: string;
  attachments: Attachment[];
  promises: Record<string, PromiseEdit>;
  /** agents picked from the @mention list (sent while "@Name" is still in the text) */
  mentions: { id: string; name: string }[];
};

export const emptyDraft = (kind: ReplyKind): Draft => ({ html: '', plain: false, kind, status: '', attachments: [], promises: {}, mentions: [] });

const key = (ticketRef: string) => `slovo.reply.${ticketRef}`;

export function loadDraft(ticketRef: string): Draft | null {
  try {
    const raw = sessionStorage.getItem(key(ticketRef));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (typeof d.html !== 'string') return null;
    return {
      html: d.html,
      plain: !!d.plain,
      kind: d.kind === 'note' ? 'note' : 'reply',
      status: typeof d.status === 'string' ? d.status : '',
      attachments: Array.isArray(d.attachments) ? d.attachments : [],
      promises: d.promises && typeof d.promises === 'object' ? d.promises : {},
      mentions: Array.isArray(d.mentions) ? d.mentions.filter((m) => m && typeof m.id === 'string' && typeof m.name === 'string') : [],
    };
  } catch {
    return null;
  }
}

export function saveDraft(ticketRef: string, d: Draft) {
  try {
    if (!d.html && !d.attachments.length) sessionStorage.removeItem(key(ticketRef));
    else sessionStorage.setItem(key(ticketRef), JSON.stringify(d));
  } catch {
    /* storage full or disabled: the draft stays in memory */
  }
}

export function clearDraft(ticketRef: string) {
  try {
    sessionStorage.removeItem(key(ticketRef));
  } catch {
    /* ignore */
  }
}

export const promiseKey = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');
