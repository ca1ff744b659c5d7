-- A card action's cost in the database, lowered without changing what a command writes or proves.
-- Frozen: change it with a new migration file.
--
-- 1. event_staging (0011) is unlogged. A staged row never outlives its transaction (the commit's
--    trigger moves it into `events`, a rollback removes it), so there is nothing in it to recover
--    after a crash, when PostgreSQL empties an unlogged table; writing it, and deleting it again, to
--    the WAL cost every event two WAL records and an index entry's. `events`, which holds the record,
--    stays logged. An unlogged table cannot be read on a hot standby, and reading a stream reads
--    it too (readStream, read_stream_for_command): Resolve reads and writes on the primary only.
-- 2. write_streams (0013) runs a statement only for what the write carries: each statement it
--    starts costs the executor's set-up (a plan's nodes, a table function's result) even when its
--    list is empty, and a card action has no deadline to insert or reschedule. The read models are
--    called by name, where EXECUTE parsed and planned the call afresh every time; a name the schema
--    does not list still goes through EXECUTE, checked as before.
ALTER TABLE event_staging SET UNLOGGED;

CREATE OR REPLACE FUNCTION write_streams(p_writes jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  w jsonb;
  p jsonb;
  v_stream text;
  v_expected integer;
  v_actual integer;
  v_now timestamptz;
  v_count integer;
BEGIN
  FOR w IN SELECT value FROM jsonb_array_elements(p_writes) LOOP
    v_stream := w->>'streamId';
    v_expected := (w->>'expectedVersion')::integer;
    v_now := (w->>'now')::timestamptz;
    PERFORM pg_advisory_xact_lock(hashtext('resolve:stream'), hashtext(v_stream));
    -- As stream_version(), written out so that PL/pgSQL keeps its plan (an SQL function called
    -- here is planned again on every call: 0.17 ms of the 0.9 a small command cost in all).
    SELECT greatest((SELECT coalesce(max(version), 0) FROM events WHERE stream_id = v_stream),
                    (SELECT coalesce(max(version), 0) FROM event_staging WHERE stream_id = v_stream))
      INTO v_actual;
    IF v_actual <> v_expected THEN
      RAISE EXCEPTION 'resolve: stream % is at version %, not %', v_stream, v_actual, v_expected
        USING ERRCODE = 'serialization_failure', HINT = 'Another change landed first: read the stream again and decide again.';
    END IF;

    IF jsonb_array_length(coalesce(w->'deadlines'->'update', '[]')) > 0 THEN
      UPDATE deadlines AS d
         SET kind = u.kind, due_at = u.due, data = u.data, status = 'scheduled', claimed_by = NULL, lease_until = NULL,
             fencing_token = nextval('deadline_fencing_token'), attempts = 0, last_error = NULL, fired_at = NULL, fired_by = NULL, updated_at = v_now
        FROM jsonb_to_recordset(w->'deadlines'->'update') AS u(id bigint, "seenStatus" text, kind text, due timestamptz, data jsonb)
       WHERE d.id = u.id AND d.stream_id = v_stream AND d.status = u."seenStatus";
      GET DIAGNOSTICS v_count = ROW_COUNT;
      IF v_count <> jsonb_array_length(w->'deadlines'->'update') THEN
        RAISE EXCEPTION 'resolve: a deadline of stream % changed since it was read', v_stream
          USING ERRCODE = 'serialization_failure', HINT = 'Read the stream again and decide again.';
      END IF;
    END IF;
    IF jsonb_array_length(coalesce(w->'deadlines'->'insert', '[]')) > 0 THEN
      INSERT INTO deadlines (stream_id, key, kind, due_at, data, created_at, updated_at)
      SELECT v_stream, a.key, a.kind, a.due, coalesce(a.data, '{}'), v_now, v_now
        FROM jsonb_to_recordset(w->'deadlines'->'insert') AS a(key text, kind text, due timestamptz, data jsonb);
    END IF;
    IF jsonb_array_length(coalesce(w->'deadlines'->'cancel', '[]')) > 0 THEN
      UPDATE deadlines
         SET status = 'cancelled', claimed_by = NULL, lease_until = NULL, fencing_token = nextval('deadline_fencing_token'), updated_at = v_now
       WHERE stream_id = v_stream AND status = 'scheduled'
         AND id IN (SELECT value::bigint FROM jsonb_array_elements_text(w->'deadlines'->'cancel'));
    END IF;

    FOR p IN SELECT value FROM jsonb_array_elements(coalesce(w->'projections', '[]')) LOOP
      IF (p->>'fn') IS NULL OR (p->>'fn') !~ '^project_[a-z_]+$' THEN
        RAISE EXCEPTION 'resolve: "%" is not a read model function: name one project_<name>', p->>'fn';
      END IF;
      -- The read models this schema has, called by name so that each call is not parsed and planned again.
      CASE p->>'fn'
        WHEN 'project_case_summary' THEN PERFORM project_case_summary(p->'row');
        WHEN 'project_review_due' THEN PERFORM project_review_due(p->'row');
        ELSE EXECUTE format('SELECT %I($1)', p->>'fn') USING p->'row';
      END CASE;
    END LOOP;

    IF jsonb_array_length(coalesce(w->'effects', '[]')) > 0 THEN
      INSERT INTO outbox (idempotency_key, stream_id, destination, tenant, kind, payload, next_attempt_at, created_at, updated_at)
      SELECT e.value->>'key', v_stream, e.value->>'destination', coalesce(e.value->>'tenant', ''), e.value->>'kind',
             coalesce(e.value->'payload', 'null'), coalesce((e.value->>'notBefore')::timestamptz, v_now), v_now, v_now
        FROM jsonb_array_elements(w->'effects') WITH ORDINALITY AS e(value, n)
       ORDER BY e.n
      ON CONFLICT (idempotency_key) DO NOTHING;
    END IF;

    INSERT INTO event_staging (stream_id, version, type, occurred_at, recorded_at, event, body_before_seq, body_after_seq)
    SELECT v_stream, v_expected + e.n::integer, e.value->>'type', (e.value->>'occurredAt')::timestamptz, v_now, e.value->'event',
           e.value->>'before', e.value->>'after'
      FROM jsonb_array_elements(coalesce(w->'events', '[]')) WITH ORDINALITY AS e(value, n)
     ORDER BY e.n;
  END LOOP;
END;
$$;
