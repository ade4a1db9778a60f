-- Live updates (issue 7): every statement that appends ticket events tells listening Slovo
-- processes (LISTEN slovo_live) which tickets changed. One notification per 20 events of the
-- statement (a sweep inserting thousands sends a few hundred); ids, numbers and kinds only,
-- never message text. Delivered on commit; nothing is sent for a rolled-back change.
create function ticket_events_live_notify() returns trigger language plpgsql as $$
declare
  chunk text;
begin
  for chunk in
    select json_build_object('e', json_agg(json_build_object(
             'i', n.id::text, 't', n.ticket_id::text, 'n', t.number::text, 'k', left(n.kind, 40), 'a', n.actor_type, 'u', n.actor_id::text,
             'm', left(n.data->>'messageId', 20), 'mk', left(n.data->>'kind', 20), 'at', n.created_at) order by n.id))::text
    from (select r.*, (row_number() over (order by r.id) - 1) / 20 as g from new_rows r) n
    join tickets t on t.id = n.ticket_id
    group by n.g
    order by n.g
  loop
    perform pg_notify('slovo_live', chunk);
  end loop;
  return null;
end $$;

create trigger ticket_events_live after insert on ticket_events
  referencing new table as new_rows
  for each statement execute function ticket_events_live_notify();
