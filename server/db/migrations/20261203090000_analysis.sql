-- The conversation analyzer (server/analyzer) on stored messages.
-- messages.analysis: a customer message's triage result {v, lang, langs, signals, tried_steps, details}
--   (null for staff messages, or when the analysis failed); messages.signals: its signal codes.
-- messages.coach: the reply coach's result when an agent sent a public reply
--   {v, flags, promises, details, context, overridden, acknowledged}.
-- tickets.signals: the union of the signals of the ticket's customer messages, kept by every
--   path that adds or moves a customer message (mail, portal, API, merge); GIN for filters.
alter table messages
  add column analysis jsonb,
  add column signals text[] not null default '{}',
  add column coach jsonb;
alter table tickets add column signals text[] not null default '{}';
create index tickets_signals on tickets using gin (signals);
