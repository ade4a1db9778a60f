-- @mentions in internal notes (issue 7): the agents a note names, in the order written.
-- Each one (but the author) gets a 'mention' notification when the note is added.
alter table messages add column mentions bigint[] not null default '{}';
