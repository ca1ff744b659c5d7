-- A command's writes in one statement, and the audit chain taken at COMMIT. Frozen: change it
-- with a new migration file.
--
-- Before this, a command's transaction held the global audit-head row lock from its append until
-- Node sent COMMIT, so every event-loop delay in any instance lengthened every other writer's
-- wait. Now a transaction stages its events; a deferred constraint trigger chains them into
-- `events` while the transaction commits, inside the server, so the head is held only for the
-- chaining and the commit itself. The chain is the same: gap-free, SHA-256 linked exactly as
-- chainHash (store/events.ts) computes it, and `events` stays append-only.

-- Events written in the current transaction and not yet chained. A row lives only until its
-- transaction commits (the trigger below moves it to `events`) or rolls back, so no other
-- transaction ever sees one. The body is the event's canonical JSON split around its sequence
-- number, which only the chaining knows (as for append_chained_events, 0006).
CREATE TABLE event_staging (
  stream_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  event jsonb NOT NULL,
  body_before_seq text NOT NULL,
  body_after_seq text NOT NULL,
  PRIMARY KEY (stream_id, version)
);

-- Runs once per staged event, in the order they were staged, as the transaction commits.
CREATE FUNCTION chain_staged_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_seq bigint;
  v_prev text;
  v_hash text;
BEGIN
  SELECT h.seq, h.hash INTO v_seq, v_prev FROM audit_head AS h WHERE h.id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The audit head row is missing: the event store was damaged; run "resolve audit verify".';
  END IF;
  v_seq := v_seq + 1;
  v_hash := encode(sha256(convert_to(v_prev || NEW.body_before_seq || v_seq::text || NEW.body_after_seq, 'UTF8')), 'hex');
  INSERT INTO events (seq, stream_id, version, type, occurred_at, recorded_at, event, prev_hash, hash)
  VALUES (v_seq, NEW.stream_id, NEW.version, NEW.type, NEW.occurred_at, NEW.recorded_at, NEW.event, v_prev, v_hash);
  UPDATE audit_head SET seq = v_seq, hash = v_hash WHERE id;
  DELETE FROM event_staging WHERE stream_id = NEW.stream_id AND version = NEW.version;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER event_staging_chained_at_commit
  AFTER INSERT ON event_staging
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION chain_staged_event();

-- The stream's version: its chained events and any this transaction has staged.
CREATE FUNCTION stream_version(p_stream_id text) RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT greatest(
    (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = p_stream_id),
    (SELECT coalesce(max(version), 0) FROM event_staging WHERE stream_id = p_stream_id))
$$;

-- The stream's events (chained, then staged in this transaction) and its deadlines as two JSON
-- arrays. With p_lock it first takes the stream's lock; each statement of a volatile function
-- reads a fresh snapshot, so what it returns includes every commit made before the lock was
-- granted, and the caller may decide on it.
CREATE FUNCTION read_stream_for_command(p_stream_id text, p_lock boolean)
RETURNS TABLE (events json, deadlines json)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF p_lock THEN
    PERFORM pg_advisory_xact_lock(hashtext('resolve:stream'), hashtext(p_stream_id));
  END IF;
  RETURN QUERY
  SELECT (SELECT coalesce(json_agg(e ORDER BY e.version), '[]')
            FROM (SELECT stream_id, version, type, occurred_at, recorded_at, event FROM events WHERE stream_id = p_stream_id
                  UNION ALL
                  SELECT stream_id, version, type, occurred_at, recorded_at, event FROM event_staging WHERE stream_id = p_stream_id) AS e),
         (SELECT coalesce(json_agg(d ORDER BY d.due_at, d.key), '[]')
            FROM (SELECT id, key, kind, due_at, data, status FROM deadlines WHERE stream_id = p_stream_id) AS d);
END;
$$;

-- Read models are written by functions named project_<name>(row jsonb), so one command's write
-- can carry them as data. The case summary (0002): written only when no other case holds the
-- reference, refused as the unique constraint would be otherwise.
CREATE FUNCTION project_case_summary(p jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_summary (case_id, reference, policy_id, kind, status, is_open, stage_id, stage_label, raised_by, addressees, copied,
                            response_due_at, overall_limit_at, updated_at, version, summary)
  SELECT p->>'caseId', p->>'reference', p->>'policyId', p->>'kind', p->>'status', (p->>'isOpen')::boolean, p->>'stageId', p->>'stageLabel',
         p->>'raisedBy', coalesce(p->'addressees', '[]'), coalesce(p->'copied', '[]'), (p->>'responseDueAt')::timestamptz,
         (p->>'overallLimitAt')::timestamptz, (p->>'updatedAt')::timestamptz, (p->>'version')::integer, p->'summary'
   WHERE NOT EXISTS (SELECT 1 FROM case_summary WHERE reference = p->>'reference' AND case_id <> p->>'caseId')
  ON CONFLICT (case_id) DO UPDATE SET
    reference = excluded.reference, policy_id = excluded.policy_id, kind = excluded.kind, status = excluded.status,
    is_open = excluded.is_open, stage_id = excluded.stage_id, stage_label = excluded.stage_label, raised_by = excluded.raised_by,
    addressees = excluded.addressees, copied = excluded.copied, response_due_at = excluded.response_due_at,
    overall_limit_at = excluded.overall_limit_at, updated_at = excluded.updated_at, version = excluded.version, summary = excluded.summary;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The case reference % is already used by another case.', p->>'reference'
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'case_summary_reference_key';
  END IF;
END;
$$;

-- The review register's due row (0009).
CREATE FUNCTION project_review_due(p jsonb) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO review_due (kind, reference, stream_id, review, due, latest_meeting_date, rule, officer, worker, booked_start, booked_end, version, updated_at)
  VALUES (p->>'kind', p->>'reference', p->>'streamId', p->>'review', (p->>'due')::date, (p->>'latestMeetingDate')::date, p->>'rule',
          p->>'officer', p->>'worker', (p->>'bookedStart')::timestamptz, (p->>'bookedEnd')::timestamptz, (p->>'version')::integer,
          (p->>'updatedAt')::timestamptz)
  ON CONFLICT (kind, reference) DO UPDATE SET
    stream_id = excluded.stream_id, review = excluded.review, due = excluded.due, latest_meeting_date = excluded.latest_meeting_date,
    rule = excluded.rule, officer = excluded.officer, worker = excluded.worker, booked_start = excluded.booked_start,
    booked_end = excluded.booked_end, version = excluded.version, updated_at = excluded.updated_at
$$;

-- Everything one or more commands decided, written in one statement: for each stream, under its
-- lock, the version is checked, the deadlines are made to agree, the read models written, the
-- effects queued and the events staged (chained at COMMIT). Run alone it is its own transaction,
-- so nothing waits on Node between the first write and the commit.
--
-- p_writes is a JSON array of
--   { streamId, expectedVersion, now,
--     events: [{ type, occurredAt, event, before, after }],
--     deadlines: { insert: [{ key, kind, due, data }], update: [{ id, seenStatus, kind, due, data }], cancel: [id] },
--     projections: [{ fn, row }],
--     effects: [{ key, destination, tenant, kind, payload, notBefore }] }
-- A stream that moved on, or a deadline changed since it was read, is refused with SQLSTATE
-- 40001 (serialization_failure) and nothing is written: read again and decide again.
CREATE FUNCTION write_streams(p_writes jsonb) RETURNS void
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
    v_actual := stream_version(v_stream);
    IF v_actual <> v_expected THEN
      RAISE EXCEPTION 'resolve: stream % is at version %, not %', v_stream, v_actual, v_expected
        USING ERRCODE = 'serialization_failure', HINT = 'Another change landed first: read the stream again and decide again.';
    END IF;

    UPDATE deadlines AS d
       SET kind = u.kind, due_at = u.due, data = u.data, status = 'scheduled', claimed_by = NULL, lease_until = NULL,
           fencing_token = nextval('deadline_fencing_token'), attempts = 0, last_error = NULL, fired_at = NULL, fired_by = NULL, updated_at = v_now
      FROM jsonb_to_recordset(coalesce(w->'deadlines'->'update', '[]')) AS u(id bigint, "seenStatus" text, kind text, due timestamptz, data jsonb)
     WHERE d.id = u.id AND d.stream_id = v_stream AND d.status = u."seenStatus";
    GET DIAGNOSTICS v_count = ROW_COUNT;
    IF v_count <> jsonb_array_length(coalesce(w->'deadlines'->'update', '[]')) THEN
      RAISE EXCEPTION 'resolve: a deadline of stream % changed since it was read', v_stream
        USING ERRCODE = 'serialization_failure', HINT = 'Read the stream again and decide again.';
    END IF;
    INSERT INTO deadlines (stream_id, key, kind, due_at, data, created_at, updated_at)
    SELECT v_stream, a.key, a.kind, a.due, coalesce(a.data, '{}'), v_now, v_now
      FROM jsonb_to_recordset(coalesce(w->'deadlines'->'insert', '[]')) AS a(key text, kind text, due timestamptz, data jsonb);
    UPDATE deadlines
       SET status = 'cancelled', claimed_by = NULL, lease_until = NULL, fencing_token = nextval('deadline_fencing_token'), updated_at = v_now
     WHERE stream_id = v_stream AND status = 'scheduled'
       AND id IN (SELECT value::bigint FROM jsonb_array_elements_text(coalesce(w->'deadlines'->'cancel', '[]')));

    FOR p IN SELECT value FROM jsonb_array_elements(coalesce(w->'projections', '[]')) LOOP
      IF (p->>'fn') IS NULL OR (p->>'fn') !~ '^project_[a-z_]+$' THEN
        RAISE EXCEPTION 'resolve: "%" is not a read model function: name one project_<name>', p->>'fn';
      END IF;
      EXECUTE format('SELECT %I($1)', p->>'fn') USING p->'row';
    END LOOP;

    INSERT INTO outbox (idempotency_key, stream_id, destination, tenant, kind, payload, next_attempt_at, created_at, updated_at)
    SELECT e.value->>'key', v_stream, e.value->>'destination', coalesce(e.value->>'tenant', ''), e.value->>'kind',
           coalesce(e.value->'payload', 'null'), coalesce((e.value->>'notBefore')::timestamptz, v_now), v_now, v_now
      FROM jsonb_array_elements(coalesce(w->'effects', '[]')) WITH ORDINALITY AS e(value, n)
     ORDER BY e.n
    ON CONFLICT (idempotency_key) DO NOTHING;

    INSERT INTO event_staging (stream_id, version, type, occurred_at, recorded_at, event, body_before_seq, body_after_seq)
    SELECT v_stream, v_expected + e.n::integer, e.value->>'type', (e.value->>'occurredAt')::timestamptz, v_now, e.value->'event',
           e.value->>'before', e.value->>'after'
      FROM jsonb_array_elements(coalesce(w->'events', '[]')) WITH ORDINALITY AS e(value, n)
     ORDER BY e.n;
  END LOOP;
END;
$$;
