-- Core help-desk schema: people, tickets, messages, attachments, history, views, macros, auth.
-- Timestamps are timestamptz(3): millisecond precision round-trips exactly through JS Date
-- (keyset cursors depend on it).

create type user_role as enum ('light_agent', 'agent', 'lead', 'admin');
create type ticket_status as enum ('new', 'open', 'pending_customer', 'pending_third_party', 'on_hold', 'solved', 'closed');
-- Enum order is the sort order: urgent sorts highest.
create type ticket_priority as enum ('low', 'normal', 'high', 'urgent');
create type ticket_channel as enum ('email', 'portal', 'api', 'phone', 'chat');
create type customer_stage as enum ('lead', 'trial', 'new', 'active', 'vip', 'churned');
create type author_type as enum ('agent', 'customer', 'system');
create type message_kind as enum ('reply', 'note');
create type link_kind as enum ('related', 'duplicate_of', 'parent_of');
create type field_type as enum ('text', 'number', 'date', 'select', 'checkbox');

create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz(3) not null default now()
);

create table groups (
  id bigint generated always as identity primary key,
  name text not null,
  description text not null default '',
  created_at timestamptz(3) not null default now()
);
create unique index groups_name_key on groups (lower(name));

create table users (
  id bigint generated always as identity primary key,
  email text not null,
  name text not null,
  password_hash text,
  role user_role not null default 'agent',
  level smallint not null default 1 check (level between 1 and 3),
  skills text[] not null default '{}',
  time_zone text not null default 'Europe/Moscow',
  locale text not null default 'ru' check (locale in ('ru', 'en')),
  active boolean not null default true,
  failed_logins int not null default 0,
  locked_until timestamptz(3),
  password_changed_at timestamptz(3),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create unique index users_email_key on users (lower(email));

create table group_members (
  group_id bigint not null references groups (id) on delete cascade,
  user_id bigint not null references users (id) on delete cascade,
  primary key (group_id, user_id)
);
create index group_members_user on group_members (user_id);

create table organizations (
  id bigint generated always as identity primary key,
  name text not null,
  domains text[] not null default '{}',
  notes text not null default '',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index organizations_domains on organizations using gin (domains);
create index organizations_name on organizations (lower(name), id);

create table customers (
  id bigint generated always as identity primary key,
  name text not null,
  organization_id bigint references organizations (id),
  stage customer_stage not null default 'new',
  stage_since timestamptz(3) not null default now(),
  language text not null default 'ru' check (language in ('ru', 'en')),
  phones text[] not null default '{}',
  notes text not null default '',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index customers_org on customers (organization_id);
create index customers_name on customers (lower(name), id);
create index customers_name_fts on customers using gin (to_tsvector('russian', name));
-- the daily "new -> active" sweep
create index customers_new_since on customers (stage_since) where stage = 'new';

create table customer_emails (
  email text primary key check (email = lower(email)),
  customer_id bigint not null references customers (id) on delete cascade,
  is_primary boolean not null default false,
  created_at timestamptz(3) not null default now()
);
create index customer_emails_customer on customer_emails (customer_id);

create table ticket_fields (
  id bigint generated always as identity primary key,
  key text not null unique check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label_ru text not null,
  label_en text not null,
  type field_type not null,
  options text[] not null default '{}',
  required boolean not null default false,
  active boolean not null default true,
  created_at timestamptz(3) not null default now()
);

create sequence ticket_number_seq start with 10000;

create table tickets (
  id bigint generated always as identity primary key,
  number bigint not null default nextval('ticket_number_seq') unique,
  subject text not null,
  requester_id bigint not null references customers (id),
  organization_id bigint references organizations (id),
  group_id bigint references groups (id),
  assignee_id bigint references users (id),
  status ticket_status not null default 'new',
  priority ticket_priority not null default 'normal',
  priority_score integer not null default 0,
  channel ticket_channel not null default 'api',
  tags text[] not null default '{}',
  custom jsonb not null default '{}',
  language text not null default 'ru' check (language in ('ru', 'en')),
  version integer not null default 1,
  merged_into_id bigint references tickets (id),
  search tsvector not null default ''::tsvector,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  first_response_at timestamptz(3),
  solved_at timestamptz(3),
  closed_at timestamptz(3)
);
alter sequence ticket_number_seq owned by tickets.number;
-- Queue views: "unsolved, by priority then last update" is the hot query.
create index tickets_queue_priority on tickets (priority desc, updated_at desc, id desc)
  where status < 'solved';
create index tickets_group_queue on tickets (group_id, priority desc, updated_at desc, id desc)
  where status < 'solved';
create index tickets_assignee_queue on tickets (assignee_id, priority desc, updated_at desc, id desc)
  where status < 'solved';
create index tickets_updated on tickets (updated_at desc, id desc);
create index tickets_created on tickets (created_at, id);
create index tickets_status_updated on tickets (status, updated_at desc, id desc);
create index tickets_requester on tickets (requester_id, updated_at desc, id desc);
create index tickets_org on tickets (organization_id, updated_at desc, id desc);
create index tickets_tags on tickets using gin (tags);
create index tickets_search on tickets using gin (search);
create index tickets_merged_into on tickets (merged_into_id) where merged_into_id is not null;

create table ticket_followers (
  ticket_id bigint not null references tickets (id),
  user_id bigint not null references users (id),
  created_at timestamptz(3) not null default now(),
  primary key (ticket_id, user_id)
);

create table messages (
  id bigint generated always as identity primary key,
  ticket_id bigint not null references tickets (id),
  kind message_kind not null default 'reply',
  author_type author_type not null,
  author_user_id bigint references users (id),
  author_customer_id bigint references customers (id),
  body_html text not null default '',
  body_text text not null default '',
  channel ticket_channel not null default 'api',
  created_at timestamptz(3) not null default now()
);
create index messages_ticket on messages (ticket_id, id);

create table blobs (
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint not null,
  data bytea not null,
  created_at timestamptz(3) not null default now()
);

create table attachments (
  id bigint generated always as identity primary key,
  ticket_id bigint references tickets (id),
  message_id bigint references messages (id),
  blob_sha256 text not null references blobs (sha256),
  filename text not null,
  content_type text not null,
  size bigint not null,
  uploaded_by_user_id bigint references users (id),
  uploaded_by_customer_id bigint references customers (id),
  created_at timestamptz(3) not null default now()
);
create index attachments_message on attachments (message_id);
create index attachments_ticket on attachments (ticket_id);

create table ticket_links (
  id bigint generated always as identity primary key,
  ticket_id bigint not null references tickets (id),
  other_ticket_id bigint not null references tickets (id),
  kind link_kind not null,
  created_by bigint references users (id),
  created_at timestamptz(3) not null default now(),
  check (ticket_id <> other_ticket_id),
  unique (ticket_id, other_ticket_id, kind)
);
create index ticket_links_other on ticket_links (other_ticket_id);

-- Append-only history; the trigger below refuses updates and deletes.
create table ticket_events (
  id bigint generated always as identity primary key,
  ticket_id bigint not null references tickets (id),
  actor_type author_type not null,
  actor_id bigint,
  kind text not null,
  data jsonb not null default '{}',
  created_at timestamptz(3) not null default now()
);
create index ticket_events_ticket on ticket_events (ticket_id, id);

create function ticket_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'ticket_events is append-only' using errcode = 'P0001';
end $$;
create trigger ticket_events_no_change before update or delete on ticket_events
  for each row execute function ticket_events_append_only();

create table views (
  id bigint generated always as identity primary key,
  name text not null,
  owner_user_id bigint references users (id) on delete cascade, -- null: shared with everyone
  filters jsonb not null default '{}',
  sort text not null default 'priority',
  position integer not null default 0,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index views_owner on views (owner_user_id, position, id);

create table macros (
  id bigint generated always as identity primary key,
  name text not null,
  body text not null default '',
  actions jsonb not null default '{}',
  owner_user_id bigint references users (id) on delete cascade, -- null: shared
  active boolean not null default true,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index macros_owner on macros (owner_user_id, id);

create table sessions (
  id text primary key, -- sha256 of the cookie value
  user_id bigint references users (id) on delete cascade,
  customer_id bigint references customers (id) on delete cascade,
  csrf_token text not null,
  ip text,
  user_agent text,
  created_at timestamptz(3) not null default now(),
  last_seen_at timestamptz(3) not null default now(),
  expires_at timestamptz(3) not null,
  check ((user_id is null) <> (customer_id is null))
);
create index sessions_user on sessions (user_id);
create index sessions_customer on sessions (customer_id);
create index sessions_expires on sessions (expires_at);

create table api_tokens (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  scopes text[] not null,
  last_used_at timestamptz(3),
  expires_at timestamptz(3),
  revoked_at timestamptz(3),
  created_at timestamptz(3) not null default now()
);
create index api_tokens_user on api_tokens (user_id, id);

create table customer_login_tokens (
  token_hash text primary key,
  customer_id bigint not null references customers (id) on delete cascade,
  email text not null,
  expires_at timestamptz(3) not null,
  used_at timestamptz(3),
  created_at timestamptz(3) not null default now()
);
create index customer_login_tokens_expires on customer_login_tokens (expires_at);

create table idempotency_keys (
  principal text not null,
  key text not null,
  route text not null,
  request_hash text not null,
  status_code integer,
  response jsonb,
  created_at timestamptz(3) not null default now(),
  primary key (principal, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);

-- Mail waiting to be sent (the mail issue adds the sender); magic links land here.
create table outbox (
  id bigint generated always as identity primary key,
  to_address text not null,
  subject text not null,
  body_text text not null,
  body_html text,
  kind text not null,
  dedupe_key text unique, -- jobs that write mail are idempotent on this
  ticket_id bigint references tickets (id),
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz(3) not null default now(),
  sent_at timestamptz(3)
);
create index outbox_queued on outbox (created_at) where status = 'queued';
