-- Extra headers an outbox mail carries (e.g. X-Slovo-Probe on heartbeat probes).
alter table outbox add column headers jsonb not null default '{}';
