-- The command functions (0011, 0013) plan each of their statements for the values of the call.
-- PL/pgSQL keeps a statement's plan and after five calls may settle on a generic one, made when
-- the tables were small. PGlite has no autovacuum, so it never gathers statistics and never
-- replans: a plan chosen over a handful of rows (a sequential scan) stays while the tables grow,
-- and a card action's cost grew with the number of cases. A server replans after its autovacuum
-- analyses the tables, but until then the same holds. A custom plan costs a planning per
-- statement; the statements are small. Frozen: change it with a new migration file.
ALTER FUNCTION write_streams(jsonb) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION read_stream_for_command(text, boolean) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION project_case_summary(jsonb) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION chain_staged_event() SET plan_cache_mode = force_custom_plan;
