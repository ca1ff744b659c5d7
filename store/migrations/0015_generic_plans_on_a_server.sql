-- The command functions may keep generic plans again on a PostgreSQL server (undoing 0014 there).
-- A server's autovacuum analyses the tables as they grow, and the new statistics invalidate the
-- plans kept in each connection, so a plan made when the tables were small does not outlive
-- them. Planning every statement of every call (0014) cost the server about 1.5 ms of CPU a card
-- action, half of what the action cost in all. PGlite has no autovacuum, never gathers
-- statistics and so would keep such a plan for ever: store/db.ts sets plan_cache_mode to
-- force_custom_plan for its one connection instead. Frozen: change it with a new migration file.
ALTER FUNCTION write_streams(jsonb) RESET plan_cache_mode;
ALTER FUNCTION read_stream_for_command(text, boolean) RESET plan_cache_mode;
ALTER FUNCTION project_case_summary(jsonb) RESET plan_cache_mode;
ALTER FUNCTION chain_staged_event() RESET plan_cache_mode;
