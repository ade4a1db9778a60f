-- Queues sorted by the priority score (the default of new views) get the same covering
-- indexes as the priority sort (20261202170000_queue_covering_indexes.sql): "group + status +
-- tag, by score" is an index-only scan that stops after a page.
drop index tickets_queue_score;
create index tickets_queue_score on tickets (priority_score desc, updated_at desc, id desc)
  include (status, tags, group_id, assignee_id) where status < 'solved';
drop index tickets_group_queue_score;
create index tickets_group_queue_score on tickets (group_id, priority_score desc, updated_at desc, id desc)
  include (status, tags) where status < 'solved';
