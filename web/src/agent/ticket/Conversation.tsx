// The conversation: customer messages, public replies, internal notes and system events, by time.
import { formatDateTime, useLang, useT } from '../../common/i18n.tsx';
import { useGroups, useUsers } from './data.ts';
import { MessageBody } from './MessageBody.tsx';
import type { AttachmentT, EventT, MessageT } from './types.ts';

/** Events the messages already show. */
const HIDDEN_EVENTS = new Set(['created', 'message', 'message_added']);

type Item = { at: string; key: string } & ({ m: MessageT } | { e: EventT });

export function timeline(messages: MessageT[], events: EventT[], complete: boolean): Item[] {
  const last = messages[messages.length - 1]?.createdAt;
  const items: Item[] = messages.map((m) => ({ at: m.createdAt, key: `m${m.id}`, m }));
  for (const e of events) {
    if (HIDDEN_EVENTS.has(e.kind)) continue;
    // events after the loaded messages wait for the next page, unless all messages are here
    if (!complete && last && e.createdAt > last) continue;
    items.push({ at: e.createdAt, key: `e${e.id}`, e });
  }
  return items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export function formatSize(n: number, lang: string): string {
  const f = (v: number) => v.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 });
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${f(n / 1024)} KB`;
  return `${f(n / 1024 / 1024)} MB`;
}

function Attachments({ list }: { list: AttachmentT[] }) {
  const { lang } = useLang();
  const t = useT();
  if (!list.length) return null;
  return (
    <ul className="tk-attachments" aria-label={t('ticket.msg.attachments')}>
      {list.map((a) => (
        <li key={a.id}>
          <a href={`/api/v1/attachments/${a.id}`} download={a.filename} rel="noopener">{a.filename}</a>{' '}
          <span className="muted">({formatSize(a.size, lang)})</span>
        </li>
      ))}
    </ul>
  );
}

const DANGER = new Set(['anger', 'threat_regulator', 'threat_public', 'churn', 'broken_promise']);

function MessageItem({ m }: { m: MessageT }) {
  const t = useT();
  const { lang } = useLang();
  const who = m.author.type === 'customer' ? 'customer' : m.author.type === 'system' ? 'system' : m.kind === 'note' ? 'note' : 'reply';
  const name = m.author.name ?? t(`ticket.author.${m.author.type}`);
  const a = m.analysis;
  return (
    <article className={`tk-msg tk-msg-${who}`} aria-label={`${t(`ticket.msgKind.${who}`)}: ${name}`} data-message-id={m.id}>
      <header className="tk-msg-head">
        <strong>{name}</strong>
        <span className={`badge tk-kind-${who}`}>{t(`ticket.msgKind.${who}`)}</span>
        <time className="muted" dateTime={m.createdAt}>{formatDateTime(m.createdAt, lang)}</time>
      </header>
      {a && a.signals.length > 0 && (
        <ul className="tk-signals" aria-label={t('ticket.msg.signals')}>
          {a.signals.map((s) => (
            <li key={s} className={`badge ${DANGER.has(s) ? 'danger' : 'warn'}`}>{t(`ticket.signal.${s}`)}</li>
          ))}
        </ul>
      )}
      {m.mentions.length > 0 && (
        <p className="tk-mentions">
          <span className="muted">{t('ticket.msg.mentions')}</span>{' '}
          {m.mentions.map((x) => <span key={x.id} className="badge" data-user-id={x.id}>@{x.name ?? `#${x.id}`}</span>)}
        </p>
      )}
      <MessageBody m={m} />
      {a && a.triedSteps.length > 0 && (
        <div className="tk-tried">
          <span className="muted">{t('ticket.msg.tried')}</span>
          <ul>{a.triedSteps.map((s, i) => <li key={i}>{s}</li>)}</ul>
        </div>
      )}
      <Attachments list={m.attachments} />
    </article>
  );
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function EventItem({ e, names }: { e: EventT; names: (field: string, id: string) => string | null }) {
  const t = useT();
  const { lang } = useLang();
  const known = t(`ticket.event.${e.kind}`);
  const label = known === `ticket.event.${e.kind}` ? e.kind.replace(/_/g, ' ') : known;
  const changes = (e.data.changes ?? null) as Record<string, [unknown, unknown]> | null;
  const show = (field: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (field === 'status') return t(`ticket.status.${String(v)}`);
    if (field === 'priority') return t(`ticket.priority.${String(v)}`);
    if (field === 'level') return `L${String(v)}`;
    if (typeof v === 'string' && ISO.test(v)) return formatDateTime(v, lang);
    if (typeof v === 'string' && (field === 'assigneeId' || field === 'groupId')) return names(field, v) ?? `#${v}`;
    if (Array.isArray(v)) return v.join(', ') || '—';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
  const text = typeof e.data.text === 'string' ? e.data.text : typeof e.data.note === 'string' ? e.data.note : null;
  return (
    <div className="tk-event" role="note">
      <span className="tk-event-label">{label}</span>
      {text && <span className="tk-event-changes">«{text}»</span>}
      {changes && typeof changes === 'object' && (
        <span className="tk-event-changes">
          {Object.entries(changes).filter(([, v]) => Array.isArray(v)).map(([k, [from, to]]) => {
            const fl = t(`ticket.field.${k}`);
            return <span key={k}>{fl === `ticket.field.${k}` ? k : fl}: {show(k, from)} → {show(k, to)}</span>;
          })}
        </span>
      )}
      <time className="muted" dateTime={e.createdAt}>{formatDateTime(e.createdAt, lang)}</time>
    </div>
  );
}

export function Conversation({ items }: { items: Item[] }) {
  const t = useT();
  const users = useUsers();
  const groups = useGroups();
  const names = (field: string, id: string) =>
    (field === 'assigneeId' ? users.data?.items.find((u) => u.id === id)?.name : groups.data?.items.find((g) => g.id === id)?.name) ?? null;
  return (
    <section className="tk-conversation" aria-label={t('ticket.conversation')}>
      {items.map((it) => ('m' in it ? <MessageItem key={it.key} m={it.m} /> : <EventItem key={it.key} e={it.e} names={names} />))}
    </section>
  );
}
