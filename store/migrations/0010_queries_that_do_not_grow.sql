-- Queries that do not grow with the data: each is answered from an index, so its cost follows
-- what it returns, not how many cases or effects the database holds. CREATE INDEX reads the rows
-- already there, so a database populated before this migration is indexed in full by it.
-- Frozen: change it with a new migration file.

-- "My cases" (openCasesFor): open cases a person raised (case_summary_open_by_raiser, 0002), or
-- is sent, copied or owns an unfinished action on: one list of those people per open case, so
-- the query is two index lookups OR-ed together instead of a scan of every open case. The lists
-- are JSON arrays of ids, so `(a || b || c) ? id` is `a ? id OR b ? id OR c ? id`. Written
-- straight through (fastupdate off) so a lookup never reads a long pending list (PGlite has no
-- autovacuum to flush one).
CREATE INDEX case_summary_open_people ON case_summary
  USING gin ((addressees || copied || coalesce(summary->'actionOwners', '[]'::jsonb)))
  WITH (fastupdate = off)
  WHERE is_open;

-- Outbox lookups by stream (listEffects), in id order.
CREATE INDEX outbox_by_stream ON outbox (stream_id, id) WHERE stream_id IS NOT NULL;

-- The claim reads the unsettled rows in claim order (next_attempt_at, id) and stops once it has
-- its heads, instead of sorting every ready row. It holds the claimed rows too, whose lease may
-- run out; it replaces outbox_ready (0004), which held the ready ones by next_attempt_at alone.
CREATE INDEX outbox_claim_order ON outbox (next_attempt_at, id) WHERE status IN ('pending', 'ambiguous', 'delivering');
DROP INDEX outbox_ready;

-- The purge: delivered rows by when they were delivered.
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE status = 'delivered';
