-- Care memory (helper D): the note an agent leaves when ending a care flag by hand.
alter table care_flags add column end_note text check (length(end_note) <= 2000);
