-- The e-mail channel: mailboxes, the staged inbound pipeline, quarantine, outbound
-- threading, and channel health.

-- A mailbox Slovo answers for (support@…). Paths (IMAP, SMTP, webhooks, upload)
-- deliver into it; settings holds per-path configuration validated by the API.
create table mail_channels (
  id bigint generated always as identity primary key,
  name text not null,
  address text not null unique check (address = lower(address)),
  active boolean not null default true,
  group_id bigint references groups (id),
  settings jsonb not null default '{}', -- { imap?, smtpOut?, webhooks?, probe? }
  webhook_token text not null, -- secret in webhook URLs; providers' own signatures on top
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

-- One row per distinct raw message (identical bytes collapse here). The stage says
-- how far the pipeline got; parse/thread/apply move it forward, each idempotently.
create table inbound_mails (
  id bigint generated always as identity primary key,
  channel_id bigint not null references mail_channels (id),
  path text not null check (path in ('imap', 'smtp', 'raw', 'mailgun', 'postmark', 'sendgrid', 'upload')),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size integer not null,
  raw bytea not null,
  message_id text, -- the Message-ID header as received (hint only, not trusted)
  stage text not null default 'received'
    check (stage in ('received', 'parsed', 'threaded', 'applied', 'duplicate', 'ignored', 'quarantined', 'released')),
  parsed jsonb,
  thread jsonb,
  dedupe_key text,
  duplicate_of bigint references inbound_mails (id),
  ticket_id bigint references tickets (id),
  ticket_message_id bigint references messages (id),
  reason_code text, -- quarantine or ignore reason (stable code)
  reason text,
  attempts integer not null default 0,
  received_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  unique (channel_id, sha256)
);
create index inbound_mails_unfinished on inbound_mails (updated_at) where stage in ('received', 'parsed', 'threaded');
create index inbound_mails_quarantined on inbound_mails (id) where stage = 'quarantined';
create index inbound_mails_message_id on inbound_mails (message_id) where message_id is not null;
create index inbound_mails_ticket on inbound_mails (ticket_id);

-- Every delivery by every path (a mail seen twice has two receipts, one inbound_mails row).
-- Channel health learns each path's rhythm from this.
create table mail_receipts (
  id bigint generated always as identity primary key,
  channel_id bigint not null references mail_channels (id),
  path text not null,
  inbound_mail_id bigint not null references inbound_mails (id),
  path_ref text, -- e.g. imap "INBOX:uidvalidity:uid", webhook event id
  probe boolean not null default false,
  received_at timestamptz(3) not null default now()
);
create index mail_receipts_channel_path on mail_receipts (channel_id, path, received_at);
create index mail_receipts_mail on mail_receipts (inbound_mail_id);

-- Content-level dedup: Message-ID plus a fingerprint of what the mail says. The
-- first mail to claim a key becomes the ticket message; later copies are duplicates.
create table mail_dedupe (
  key text primary key,
  inbound_mail_id bigint not null references inbound_mails (id),
  created_at timestamptz(3) not null default now()
);

-- Message-IDs of every ticket message that travelled by mail (in or out), for
-- In-Reply-To/References threading.
create table mail_message_ids (
  message_id text primary key,
  ticket_id bigint not null references tickets (id),
  message_id_ref bigint references messages (id),
  direction text not null check (direction in ('in', 'out')),
  customer_id bigint references customers (id),
  created_at timestamptz(3) not null default now()
);
create index mail_message_ids_ticket on mail_message_ids (ticket_id);

-- Outbound: the sender's state, threading headers and a stable Message-ID per mail.
alter table outbox
  add column channel_id bigint references mail_channels (id),
  add column message_id text unique,
  add column in_reply_to text,
  add column "references" text[] not null default '{}',
  add column ticket_message_id bigint references messages (id),
  add column auto_submitted boolean not null default false,
  add column next_attempt_at timestamptz(3) not null default now(),
  add column permanent boolean not null default false;
drop index outbox_queued;
create index outbox_due on outbox (next_attempt_at) where status in ('queued', 'sending');
create index outbox_ticket on outbox (ticket_id);

-- Health alerts per channel and path (silence, fetch errors, missed probes, loops).
create table mail_alerts (
  id bigint generated always as identity primary key,
  channel_id bigint not null references mail_channels (id),
  path text, -- null: the channel as a whole
  kind text not null, -- silence | fetch_error | probe_missed | loop | quarantine
  message text not null,
  data jsonb not null default '{}',
  opened_at timestamptz(3) not null default now(),
  last_seen_at timestamptz(3) not null default now(),
  cleared_at timestamptz(3)
);
create unique index mail_alerts_open on mail_alerts (channel_id, coalesce(path, ''), kind) where cleared_at is null;

-- Per path: last success / error, for the health view.
create table mail_path_state (
  channel_id bigint not null references mail_channels (id),
  path text not null,
  last_ok_at timestamptz(3),
  last_error_at timestamptz(3),
  last_error text,
  state jsonb not null default '{}', -- e.g. IMAP uidvalidity / last uid per folder
  primary key (channel_id, path)
);

-- Heartbeat probes sent out through the outbound path and expected back per inbound path.
create table mail_probes (
  id bigint generated always as identity primary key,
  channel_id bigint not null references mail_channels (id),
  token text not null unique,
  sent_at timestamptz(3) not null default now(),
  seen jsonb not null default '{}' -- { path: iso time }
);
create index mail_probes_channel on mail_probes (channel_id, sent_at);

-- Per-sender rate for loop detection.
create index inbound_mails_received on inbound_mails (channel_id, received_at);
