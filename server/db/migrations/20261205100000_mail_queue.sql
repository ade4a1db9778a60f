-- The inbound pipeline's queue is inbound_mails itself (no pg-boss job per stage): a worker
-- claims a batch of one stage with a lease (claimed_until); a stage that moves a mail on frees
-- it for the next one; a crashed worker's lease runs out and the mail is picked up again.
alter table inbound_mails add column claimed_until timestamptz;
create index inbound_mails_work on inbound_mails (stage, id) where stage in ('received', 'parsed', 'threaded');
