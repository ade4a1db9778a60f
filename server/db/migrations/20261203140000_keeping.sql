-- Keeping the word (issue 6): business calendars, SLA, promise ledger, priority score,
-- escalation L1-L3, care memory, notifications. All due times are absolute timestamptz,
-- computed in the ticket's calendar by server/modules/calendars/business-time.ts.

-- Business calendars ------------------------------------------------------------------
create table calendars (
  id bigint generated always as identity primary key,
  name text not null,
  time_zone text not null,
  always_open boolean not null default false, -- 24/7
  -- 7 entries, Monday first; each a list of [start, end) minute intervals from local midnight.
  -- end may pass 1440 (an overnight shift runs into the next day, up to 2880).
  week jsonb not null,
  preset text, -- 'ru-production' | 'generic' | null (made by hand)
  ical_url text, -- where holidays were imported from, if any
  is_default boolean not null default false,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create unique index calendars_name_key on calendars (lower(name));
create unique index calendars_one_default on calendars ((true)) where is_default;

-- Exceptions to the week: holidays, moved working days, shortened pre-holiday days.
create table calendar_days (
  calendar_id bigint not null references calendars (id) on delete cascade,
  day date not null,
  kind text not null check (kind in ('holiday', 'workday', 'short')),
  -- for 'workday' and 'short': the day's intervals (null = the calendar's usual weekday hours; for
  -- 'short' null means the usual hours less one hour at the end)
  hours jsonb,
  name text not null default '',
  source text not null default 'manual' check (source in ('preset', 'ical', 'manual')),
  primary key (calendar_id, day)
);

alter table groups
  add column calendar_id bigint references calendars (id),
  add column level smallint not null default 1 check (level between 1 and 3);
alter table organizations
  add column calendar_id bigint references calendars (id),
  add column vip boolean not null default false;
alter table customers add column calendar_id bigint references calendars (id);

-- Tickets: escalation level, third party, snooze, priority explanation ---------------------
alter table tickets
  add column level smallint not null default 1 check (level between 1 and 3),
  add column third_party_name text,
  add column third_party_follow_up_at timestamptz(3),
  add column snoozed_until timestamptz(3),
  -- [{code, points, label_ru, label_en}] the parts priority_score is the sum of (clamped 0..100)
  add column priority_parts jsonb not null default '[]';
create index tickets_follow_up_due on tickets (third_party_follow_up_at, id) where third_party_follow_up_at is not null;
create index tickets_snooze_due on tickets (snoozed_until, id) where snoozed_until is not null;
-- default queue order: the priority score
create index tickets_queue_score on tickets (priority_score desc, updated_at desc, id desc) where status < 'solved';
create index tickets_group_queue_score on tickets (group_id, priority_score desc, updated_at desc, id desc) where status < 'solved';

-- SLA ------------------------------------------------------------------------------------
create table sla_policies (
  id bigint generated always as identity primary key,
  name text not null,
  position integer not null default 0, -- first active match in position order wins
  active boolean not null default true,
  -- all given keys must match: {stages?: [], vip?: bool, organizationIds?: [], priorities?: [],
  -- channels?: [], tags?: [] (any of), groupIds?: []}
  conditions jsonb not null default '{}',
  -- targets in business minutes of the calendar; null = no target for that metric
  first_response_min integer check (first_response_min > 0),
  next_response_min integer check (next_response_min > 0),
  resolution_min integer check (resolution_min > 0),
  pause_pending_customer boolean not null default true,
  pause_pending_third_party boolean not null default true,
  pause_on_hold boolean not null default false,
  warn_percents smallint[] not null default '{75,90}',
  calendar_id bigint references calendars (id), -- null: the ticket's calendar
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

-- One row per ticket (also when no policy matched: the wait accounting lives here).
create table ticket_sla (
  ticket_id bigint primary key references tickets (id),
  policy_id bigint references sla_policies (id),
  calendar_id bigint references calendars (id),
  first_response_due_at timestamptz(3),
  first_response_met_at timestamptz(3),
  first_response_breached_at timestamptz(3),
  next_response_started_at timestamptz(3), -- the customer message the next reply answers
  next_response_due_at timestamptz(3),
  next_response_breached_at timestamptz(3),
  next_response_breaches integer not null default 0,
  resolution_due_at timestamptz(3),
  resolution_met_at timestamptz(3),
  resolution_breached_at timestamptz(3),
  -- pause: while paused the due times above are null and the business minutes left are kept
  paused_at timestamptz(3),
  paused_status ticket_status,
  left_min jsonb not null default '{}', -- {"resolution": 312, "next_response": 20} at pause time
  customer_wait_min integer not null default 0, -- business minutes spent in pending_customer
  third_party_wait_min integer not null default 0, -- business minutes spent in pending_third_party
  -- future alerts, sorted by time: [{"at": iso, "metric": "resolution", "level": 75 | 90 | 100}]
  alert_plan jsonb not null default '[]',
  next_alert_at timestamptz(3), -- = alert_plan[0].at
  updated_at timestamptz(3) not null default now()
);
create index ticket_sla_next_alert on ticket_sla (next_alert_at, ticket_id) where next_alert_at is not null;
create index ticket_sla_policy on ticket_sla (policy_id);

-- Promise ledger --------------------------------------------------------------------------
create type promise_state as enum ('open', 'kept', 'broken', 'renegotiated', 'cancelled');
create table promises (
  id bigint generated always as identity primary key,
  ticket_id bigint not null references tickets (id),
  owner_id bigint references users (id), -- who keeps it
  created_by bigint references users (id),
  kind text not null default 'other' check (kind in ('callback', 'update', 'fix', 'info', 'other')),
  text text not null check (length(text) between 1 and 2000),
  due_at timestamptz(3) not null,
  visible_to_customer boolean not null default true,
  source text not null default 'manual' check (source in ('reply', 'manual', 'escalation')),
  message_id bigint references messages (id),
  state promise_state not null default 'open',
  renegotiated_from_id bigint references promises (id),
  replaced_by_id bigint references promises (id),
  resolved_at timestamptz(3), -- kept / broken / renegotiated / cancelled at
  resolved_by bigint references users (id),
  resolved_note text,
  margin_min integer, -- kept: minutes before due (negative: late); renegotiated: minutes before old due
  alert_plan jsonb not null default '[]', -- [{"at": iso, "level": "remind" | "due", "minutes": 60}]
  next_alert_at timestamptz(3),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index promises_ticket on promises (ticket_id, id);
create index promises_owner_open on promises (owner_id, due_at) where state = 'open';
create index promises_ticket_open on promises (ticket_id) where state = 'open';
create index promises_next_alert on promises (next_alert_at, id) where next_alert_at is not null;
create index promises_created on promises (created_at, id);

-- Escalation ------------------------------------------------------------------------------
create table escalations (
  id bigint generated always as identity primary key,
  ticket_id bigint not null references tickets (id),
  kind text not null check (kind in ('escalate', 'deescalate')),
  from_level smallint not null,
  to_level smallint not null check (to_level between 1 and 3),
  from_group_id bigint references groups (id),
  to_group_id bigint references groups (id),
  summary text not null default '',
  tried text[] not null default '{}',
  needed text not null default '',
  attachment_ids bigint[] not null default '{}',
  note text not null default '',
  promise_id bigint references promises (id),
  rule_id bigint, -- automatic escalation: the rule that fired
  created_by bigint references users (id),
  created_at timestamptz(3) not null default now()
);
create index escalations_ticket on escalations (ticket_id, id);

create table escalation_rules (
  id bigint generated always as identity primary key,
  name text not null,
  active boolean not null default true,
  -- 'signal' (params.signals: any of), 'vip_breach_risk' (params.percent), 'repeat_contact'
  -- (params.count, params.days), 'broken_promise'
  trigger text not null check (trigger in ('signal', 'vip_breach_risk', 'repeat_contact', 'broken_promise')),
  params jsonb not null default '{}',
  action text not null check (action in ('notify_lead', 'move_to_level')),
  to_level smallint check (to_level between 2 and 3),
  to_group_id bigint references groups (id),
  created_at timestamptz(3) not null default now()
);
-- a rule fires once per ticket
create table escalation_rule_hits (
  rule_id bigint not null references escalation_rules (id) on delete cascade,
  ticket_id bigint not null references tickets (id),
  created_at timestamptz(3) not null default now(),
  primary key (rule_id, ticket_id)
);

-- Care memory -----------------------------------------------------------------------------
create table care_flags (
  id bigint generated always as identity primary key,
  customer_id bigint references customers (id),
  organization_id bigint references organizations (id),
  check ((customer_id is null) <> (organization_id is null)),
  reason text not null check (length(reason) between 1 and 2000),
  until timestamptz(3) not null,
  ticket_id bigint references tickets (id), -- the incident ticket, if any
  points smallint not null default 15 check (points between 0 and 50),
  created_by bigint references users (id),
  created_at timestamptz(3) not null default now(),
  ended_at timestamptz(3),
  ended_by bigint references users (id),
  end_reason text check (end_reason in ('expired', 'ended'))
);
create index care_flags_customer on care_flags (customer_id, id) where customer_id is not null;
create index care_flags_org on care_flags (organization_id, id) where organization_id is not null;
create index care_flags_expiry on care_flags (until, id) where ended_at is null;

-- Notifications ---------------------------------------------------------------------------
create table notifications (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id),
  kind text not null,
  ticket_id bigint references tickets (id),
  data jsonb not null default '{}',
  dedupe_key text not null unique, -- exactly once: every producer names its notification
  read_at timestamptz(3),
  created_at timestamptz(3) not null default now()
);
create index notifications_user on notifications (user_id, id desc);
create index notifications_user_unread on notifications (user_id, id desc) where read_at is null;

create table notification_prefs (
  user_id bigint not null references users (id) on delete cascade,
  kind text not null,
  in_app boolean not null default true,
  email boolean not null default false,
  primary key (user_id, kind)
);
