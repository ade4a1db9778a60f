-- Planner statistics for full-text search (found by `npm run bench` at 1M tickets).
--
-- GET /api/v1/search sorts by updated_at: the planner either walks tickets_updated and stops
-- after one page (right for common words) or reads the matches from the GIN index
-- tickets_search and sorts them (right for rare words). It picks by the estimated number of
-- matches, which comes from the most-common-lexeme list of tickets.search. With the default
-- statistics target (100) a word missing from that short list is estimated at thousands of
-- matches, so a word found in ~100 tickets walked ~500k rows of tickets_updated (4.6 s).
-- A longer list (target 1000: up to 10,000 lexemes, a 300k-row sample) estimates rare words
-- close to their real count and the plan becomes a bitmap scan (~2 ms); common words keep
-- the index walk. Costs: ANALYZE of tickets reads a larger sample.
alter table tickets alter column search set statistics 1000;
analyze tickets;
