// Kysely table types, kept in step with migrations/*.sql (db.types.test.ts checks the columns).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'light_agent' | 'agent' | 'lead' | 'admin';
export type TicketStatus = 'new' | 'open' | 'pending_customer' | 'pending_third_party' | 'on_hold' | 'solved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export type Channel = 'email' | 'portal' | 'api' | 'phone' | 'chat';
export type CustomerStage = 'lead' | 'trial' | 'new' | 'active' | 'vip' | 'churned';
export type AuthorType = 'agent' | 'customer' | 'system';
export type MessageKind = 'reply' | 'note';
export type LinkKind = 'related' | 'duplicate_of' | 'parent_of';
export type FieldType = 'text' | 'number' | 'date' | 'select' | 'checkbox';

type Id = ColumnType<string, never, never>; // bigint identity, read as string by pg
type Ref = ColumnType<string, string | number, string | number>;
type NullRef = ColumnType<string | null, string | number | null | undefined, string | number | null>;
type Ts = ColumnType<Date, Date | string | undefined, Date | string>;
type NullTs = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

export interface SettingsTable { key: string; value: Json<unknown>; updated_at: Ts }
export interface GroupsTable {
  id: Id; name: string; description: Generated<string>; created_at: Ts;
  calendar_id: NullRef; level: Generated<number>;
}
export interface UsersTable {
  id: Id; email: string; name: string; password_hash: string | null; role: Generated<Role>;
  level: Generated<number>; skills: Generated<string[]>; time_zone: Generated<string>; locale: Generated<string>;
  active: Generated<boolean>; failed_logins: Generated<number>; locked_until: NullTs; password_changed_at: NullTs;
  created_at: Ts; updated_at: Ts;
}
export interface GroupMembersTable { group_id: Ref; user_id: Ref }
export interface OrganizationsTable {
  id: Id; name: string; domains: Generated<string[]>; notes: Generated<string>; created_at: Ts; updated_at: Ts;
  calendar_id: NullRef; vip: Generated<boolean>;
  portal_shared: Generated<boolean>; // members see each other's tickets on the portal
}
export interface CustomersTable {
  id: Id; name: string; organization_id: NullRef; stage: Generated<CustomerStage>; stage_since: Ts;
  language: Generated<string>; phones: Generated<string[]>; notes: Generated<string>; created_at: Ts; updated_at: Ts;
  calendar_id: NullRef;
}
export interface CustomerEmailsTable { email: string; customer_id: Ref; is_primary: Generated<boolean>; created_at: Ts }
export interface TicketFieldsTable {
  id: Id; key: string; label_ru: string; label_en: string; type: FieldType; options: Generated<string[]>;
  required: Generated<boolean>; active: Generated<boolean>; created_at: Ts;
  customer_visible: Generated<boolean>; customer_editable: Generated<boolean>; // portal
}
export interface TicketsTable {
  id: Id; number: ColumnType<string, string | number | undefined, never>; subject: string; requester_id: Ref;
  organization_id: NullRef; group_id: NullRef; assignee_id: NullRef; status: Generated<TicketStatus>;
  priority: Generated<TicketPriority>; priority_score: Generated<number>; channel: Generated<Channel>;
  tags: Generated<string[]>; custom: Json<Record<string, unknown>>; language: Generated<string>;
  version: Generated<number>; merged_into_id: NullRef; search: ColumnType<string, string | undefined, string>;
  created_at: Ts; updated_at: Ts; first_response_at: NullTs; solved_at: NullTs; closed_at: NullTs;
  signals: Generated<string[]>; // union of its customer messages' analyzer signals
  level: Generated<number>; third_party_name: string | null; third_party_follow_up_at: NullTs; snoozed_until: NullTs;
  priority_parts: Json<PriorityPart[]>; // default []
}
/** One part of a ticket's priority score, with its explanation. */
export type PriorityPart = { code: string; points: number; label_ru: string; label_en: string };
export interface TicketFollowersTable { ticket_id: Ref; user_id: Ref; created_at: Ts }
export interface MessagesTable {
  id: Id; ticket_id: Ref; kind: Generated<MessageKind>; author_type: AuthorType; author_user_id: NullRef;
  author_customer_id: NullRef; body_html: Generated<string>; body_text: Generated<string>;
  channel: Generated<Channel>; created_at: Ts;
  analysis: Json<Record<string, unknown>> | null; // customer messages: analyzer result (server/modules/coach/analysis.ts)
  signals: Generated<string[]>;
  coach: Json<Record<string, unknown>> | null; // agent public replies: the coach result at send time
  mentions: Generated<string[]>; // internal notes: the agents @mentioned
}
export interface BlobsTable { sha256: string; size: number | string; data: Buffer; created_at: Ts }
export interface AttachmentsTable {
  id: Id; ticket_id: NullRef; message_id: NullRef; blob_sha256: string; filename: string; content_type: string;
  size: ColumnType<string, number, number>; uploaded_by_user_id: NullRef; uploaded_by_customer_id: NullRef; created_at: Ts;
}
export interface TicketLinksTable {
  id: Id; ticket_id: Ref; other_ticket_id: Ref; kind: LinkKind; created_by: NullRef; created_at: Ts;
}
export interface TicketEventsTable {
  id: Id; ticket_id: Ref; actor_type: AuthorType; actor_id: NullRef; kind: string;
  data: Json<Record<string, unknown>>; created_at: Ts;
}
export interface ViewsTable {
  id: Id; name: string; name_en: ColumnType<string | null, string | null | undefined, string | null>; owner_user_id: NullRef; filters: Json<Record<string, unknown>>; sort: Generated<string>;
  position: Generated<number>; created_at: Ts; updated_at: Ts;
}
export interface MacrosTable {
  id: Id; name: string; body: Generated<string>; actions: Json<Record<string, unknown>>; owner_user_id: NullRef;
  active: Generated<boolean>; created_at: Ts; updated_at: Ts;
}
export interface SessionsTable {
  id: string; user_id: NullRef; customer_id: NullRef; csrf_token: string; ip: string | null;
  user_agent: string | null; created_at: Ts; last_seen_at: Ts; expires_at: Date | string;
}
export interface ApiTokensTable {
  id: Id; user_id: Ref; name: string; token_hash: string; prefix: string; scopes: string[];
  last_used_at: NullTs; expires_at: NullTs; revoked_at: NullTs; created_at: Ts;
}
export interface CustomerLoginTokensTable {
  token_hash: string; customer_id: Ref; email: string; expires_at: Date | string; used_at: NullTs; created_at: Ts;
}
export interface IdempotencyKeysTable {
  principal: string; key: string; route: string; request_hash: string; status_code: number | null;
  response: Json<unknown> | null; created_at: Ts;
}
export interface OutboxTable {
  id: Id; to_address: string; subject: string; body_text: string; body_html: string | null; kind: string; dedupe_key: string | null;
  ticket_id: NullRef; status: Generated<string>; attempts: Generated<number>; last_error: string | null;
  created_at: Ts; sent_at: NullTs;
  channel_id: NullRef; message_id: string | null; in_reply_to: string | null; references: Generated<string[]>;
  ticket_message_id: NullRef; auto_submitted: Generated<boolean>; next_attempt_at: Ts; permanent: Generated<boolean>;
  headers: Json<Record<string, string>>; // default {}
}
export interface MailChannelsTable {
  id: Id; name: string; address: string; active: Generated<boolean>; group_id: NullRef;
  settings: Json<Record<string, unknown>>; webhook_token: string; created_at: Ts; updated_at: Ts;
}
export type MailPath = 'imap' | 'smtp' | 'raw' | 'mailgun' | 'postmark' | 'sendgrid' | 'upload';
export type MailStage = 'received' | 'parsed' | 'threaded' | 'applied' | 'duplicate' | 'ignored' | 'quarantined' | 'released';
export interface InboundMailsTable {
  id: Id; channel_id: Ref; path: MailPath; sha256: string; size: number; raw: Buffer; message_id: string | null;
  stage: Generated<MailStage>; parsed: Json<unknown> | null; thread: Json<unknown> | null; dedupe_key: string | null;
  duplicate_of: NullRef; ticket_id: NullRef; ticket_message_id: NullRef; reason_code: string | null; reason: string | null;
  attempts: Generated<number>; received_at: Ts; updated_at: Ts; from_address: string | null; claimed_until: NullTs;
}
export interface MailReceiptsTable {
  id: Id; channel_id: Ref; path: string; inbound_mail_id: Ref; path_ref: string | null; probe: Generated<boolean>; received_at: Ts;
}
export interface MailgunTokensTable { channel_id: Ref; token: string; sha256: string; used_at: Ts }
export interface MailDedupeTable { key: string; inbound_mail_id: Ref; created_at: Ts }
export interface MailMessageIdsTable {
  message_id: string; ticket_id: Ref; message_id_ref: NullRef; direction: 'in' | 'out'; customer_id: NullRef; created_at: Ts;
}
export interface MailAlertsTable {
  id: Id; channel_id: Ref; path: string | null; kind: string; message: string; data: Json<Record<string, unknown>>;
  opened_at: Ts; last_seen_at: Ts; cleared_at: NullTs;
}
export interface MailPathStateTable {
  channel_id: Ref; path: string; last_ok_at: NullTs; last_error_at: NullTs; last_error: string | null; state: Json<Record<string, unknown>>;
}
export interface MailProbesTable { id: Id; channel_id: Ref; token: string; sent_at: Ts; seen: Json<Record<string, string>> }

/** [start, end) minutes from local midnight; end may pass 1440 (overnight shift). */
export type Interval = [number, number];
export interface CalendarsTable {
  id: Id; name: string; time_zone: string; always_open: Generated<boolean>; week: Json<Interval[][]>;
  preset: string | null; ical_url: string | null; is_default: Generated<boolean>; created_at: Ts; updated_at: Ts;
}
export type CalendarDayKind = 'holiday' | 'workday' | 'short';
export interface CalendarDaysTable {
  calendar_id: Ref; day: ColumnType<string, string, string>; kind: CalendarDayKind; hours: Json<Interval[]> | null;
  name: Generated<string>; source: Generated<'preset' | 'ical' | 'manual'>;
}
export type SlaMetric = 'first_response' | 'next_response' | 'resolution';
export type SlaConditions = {
  stages?: CustomerStage[]; vip?: boolean; organizationIds?: string[]; priorities?: TicketPriority[];
  channels?: Channel[]; tags?: string[]; groupIds?: string[];
};
export interface SlaPoliciesTable {
  id: Id; name: string; position: Generated<number>; active: Generated<boolean>; conditions: Json<SlaConditions>;
  first_response_min: number | null; next_response_min: number | null; resolution_min: number | null;
  pause_pending_customer: Generated<boolean>; pause_pending_third_party: Generated<boolean>; pause_on_hold: Generated<boolean>;
  warn_percents: Generated<number[]>; calendar_id: NullRef; created_at: Ts; updated_at: Ts;
  deleted_at: NullTs; // soft delete: never matched, running tickets keep it
}
export type SlaAlert = { at: string; metric: SlaMetric; level: number }; // level 100 = breach
export interface TicketSlaTable {
  ticket_id: Ref; policy_id: NullRef; calendar_id: NullRef;
  first_response_due_at: NullTs; first_response_met_at: NullTs; first_response_breached_at: NullTs;
  next_response_started_at: NullTs; next_response_due_at: NullTs; next_response_breached_at: NullTs;
  next_response_breaches: Generated<number>; next_response_met: Generated<number>; // answered in time
  resolution_due_at: NullTs; resolution_met_at: NullTs; resolution_breached_at: NullTs;
  paused_at: NullTs; paused_status: TicketStatus | null; left_min: Json<Partial<Record<SlaMetric, number>>>;
  customer_wait_min: Generated<number>; third_party_wait_min: Generated<number>;
  alert_plan: Json<SlaAlert[]>; next_alert_at: NullTs; updated_at: Ts;
}
export type PromiseState = 'open' | 'kept' | 'broken' | 'renegotiated' | 'cancelled';
export type PromiseKind = 'callback' | 'update' | 'fix' | 'info' | 'other';
export type PromiseAlert = { at: string; level: 'remind' | 'due'; minutes: number };
export interface PromisesTable {
  id: Id; ticket_id: Ref; owner_id: NullRef; created_by: NullRef; kind: Generated<PromiseKind>; text: string;
  due_at: Date | string; visible_to_customer: Generated<boolean>; source: Generated<'reply' | 'manual' | 'escalation'>;
  message_id: NullRef; state: Generated<PromiseState>; renegotiated_from_id: NullRef; replaced_by_id: NullRef;
  resolved_at: NullTs; resolved_by: NullRef; resolved_note: string | null; margin_min: number | null;
  alert_plan: Json<PromiseAlert[]>; next_alert_at: NullTs; created_at: Ts; updated_at: Ts;
}
export interface EscalationsTable {
  id: Id; ticket_id: Ref; kind: 'escalate' | 'deescalate'; from_level: number; to_level: number;
  from_group_id: NullRef; to_group_id: NullRef; summary: Generated<string>; tried: Generated<string[]>;
  needed: Generated<string>; attachment_ids: Generated<string[]>; note: Generated<string>; promise_id: NullRef;
  rule_id: NullRef; created_by: NullRef; created_at: Ts;
}
export type EscalationTrigger = 'signal' | 'vip_breach_risk' | 'repeat_contact' | 'broken_promise';
export interface EscalationRulesTable {
  id: Id; name: string; active: Generated<boolean>; trigger: EscalationTrigger; params: Json<Record<string, unknown>>;
  action: 'notify_lead' | 'move_to_level'; to_level: number | null; to_group_id: NullRef; created_at: Ts;
}
export interface EscalationRuleHitsTable { rule_id: Ref; ticket_id: Ref; created_at: Ts }
export interface CareFlagsTable {
  id: Id; customer_id: NullRef; organization_id: NullRef; reason: string; until: Date | string; ticket_id: NullRef;
  points: Generated<number>; created_by: NullRef; created_at: Ts; ended_at: NullTs; ended_by: NullRef;
  end_reason: 'expired' | 'ended' | null; end_note: string | null;
}
export interface NotificationsTable {
  id: Id; user_id: Ref; kind: string; ticket_id: NullRef; data: Json<Record<string, unknown>>; dedupe_key: string;
  read_at: NullTs; created_at: Ts;
}
export interface NotificationPrefsTable { user_id: Ref; kind: string; in_app: Generated<boolean>; email: Generated<boolean> }

export interface DB {
  calendars: CalendarsTable; calendar_days: CalendarDaysTable; sla_policies: SlaPoliciesTable; ticket_sla: TicketSlaTable;
  promises: PromisesTable; escalations: EscalationsTable; escalation_rules: EscalationRulesTable;
  escalation_rule_hits: EscalationRuleHitsTable; care_flags: CareFlagsTable; notifications: NotificationsTable;
  notification_prefs: NotificationPrefsTable;
  settings: SettingsTable; groups: GroupsTable; users: UsersTable; group_members: GroupMembersTable;
  organizations: OrganizationsTable; customers: CustomersTable; customer_emails: CustomerEmailsTable;
  ticket_fields: TicketFieldsTable; tickets: TicketsTable; ticket_followers: TicketFollowersTable;
  messages: MessagesTable; blobs: BlobsTable; attachments: AttachmentsTable; ticket_links: TicketLinksTable;
  ticket_events: TicketEventsTable; views: ViewsTable; macros: MacrosTable; sessions: SessionsTable;
  api_tokens: ApiTokensTable; customer_login_tokens: CustomerLoginTokensTable;
  idempotency_keys: IdempotencyKeysTable; outbox: OutboxTable;
  mail_channels: MailChannelsTable; inbound_mails: InboundMailsTable; mail_receipts: MailReceiptsTable;
  mail_dedupe: MailDedupeTable; mail_message_ids: MailMessageIdsTable; mail_alerts: MailAlertsTable;
  mail_path_state: MailPathStateTable; mail_probes: MailProbesTable; mailgun_tokens: MailgunTokensTable;
}

export type Ticket = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type TicketPatch = Updateable<TicketsTable>;
export type User = Selectable<UsersTable>;
export type Customer = Selectable<CustomersTable>;
export type Message = Selectable<MessagesTable>;
