-- Outbound: the per-recipient rate of automatic acknowledgements is counted from this.
create index outbox_ack_rate on outbox (lower(to_address), created_at) where kind = 'ack';
