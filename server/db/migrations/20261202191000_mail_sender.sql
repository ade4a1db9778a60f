-- The sender of an inbound mail, set by parse: per-sender rate (loop detection) reads it.
alter table inbound_mails add column from_address text;
create index inbound_mails_sender on inbound_mails (channel_id, from_address, received_at);
