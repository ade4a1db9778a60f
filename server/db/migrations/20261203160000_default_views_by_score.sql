-- The shared default queues sort by the priority score (issue 6) unless someone changed them.
update views set sort = 'score', updated_at = now()
where owner_user_id is null and sort = 'priority' and name in ('Нерешённые', 'Мои') and name_en in ('Unsolved', 'Mine');
