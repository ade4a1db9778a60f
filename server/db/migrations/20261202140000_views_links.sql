-- Saved views, ticket links and followers.
--
-- View names: `name` is the main (Russian) name, `name_en` the optional English one;
-- the API returns both ({name, nameEn}) and the client shows the one for its locale.
alter table views add column name_en text;

-- One link of a kind per pair of tickets, whichever direction it was made in.
create unique index ticket_links_pair_kind
  on ticket_links (least(ticket_id, other_ticket_id), greatest(ticket_id, other_ticket_id), kind);
-- parent_of is stored parent -> child: a ticket has at most one parent.
create unique index ticket_links_one_parent on ticket_links (other_ticket_id) where kind = 'parent_of';

-- "tickets I follow"
create index ticket_followers_user on ticket_followers (user_id, ticket_id);

-- Two shared default queues ("me" is resolved for whoever opens the view).
insert into views (name, name_en, owner_user_id, filters, sort, position) values
  ('Нерешённые', 'Unsolved', null,
   '{"status": ["new", "open", "pending_customer", "pending_third_party", "on_hold"]}', 'priority', 0),
  ('Мои', 'Mine', null,
   '{"assigneeId": ["me"], "status": ["new", "open", "pending_customer", "pending_third_party", "on_hold"]}', 'priority', 1);
