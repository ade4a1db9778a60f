// Renders a macro body: {{variables}} become HTML-escaped values; unknown ones stay as written
// (so the agent sees them) and are reported. One pass: values are never re-read as templates.
import type { TicketStatus } from '../../db/types.ts';

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const STATUS_LABELS: Record<'ru' | 'en', Record<TicketStatus, string>> = {
  ru: {
    new: 'Новое', open: 'Открыто', pending_customer: 'Ждём вашего ответа', pending_third_party: 'Ждём третью сторону',
    on_hold: 'Отложено', solved: 'Решено', closed: 'Закрыто',
  },
  en: {
    new: 'New', open: 'Open', pending_customer: 'Waiting for your reply', pending_third_party: 'Waiting for a third party',
    on_hold: 'On hold', solved: 'Solved', closed: 'Closed',
  },
};

export const statusLabel = (status: TicketStatus, language: string) => STATUS_LABELS[language === 'en' ? 'en' : 'ru'][status];

export function renderMacro(body: string, vars: Record<string, string>): { html: string; unknownVariables: string[] } {
  const unknown = new Set<string>();
  const html = body.replace(VARIABLE, (whole, name: string) => {
    if (Object.hasOwn(vars, name)) return escapeHtml(vars[name]);
    unknown.add(name);
    return whole;
  });
  return { html, unknownVariables: [...unknown] };
}
