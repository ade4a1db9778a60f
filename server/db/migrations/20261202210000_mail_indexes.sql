-- Nothing reads inbound_mails by (channel, received_at): the per-sender rate has its own
-- index and health reads mail_receipts. One index less to write on every stage change.
drop index if exists inbound_mails_received;
