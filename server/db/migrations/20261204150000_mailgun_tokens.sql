-- Mailgun webhook tokens are single-use. Claiming one is an insert on this key, so two posts with
-- the same token race on the primary key instead of both passing a read-then-write check.
-- A retried post (same token, same bytes) is allowed: the mail's hash is kept with the token.
create table mailgun_tokens (
  channel_id bigint not null references mail_channels (id) on delete cascade,
  token text not null,
  sha256 text not null,
  used_at timestamptz(3) not null default now(),
  primary key (channel_id, token)
);
create index mailgun_tokens_used on mailgun_tokens (used_at);
