-- The append under the audit head in one statement: take the head, chain and insert the events,
-- move the head. The caller (store/events.ts) sends each event's canonical JSON split around its
-- sequence number, which only this function knows; hash = SHA-256(previous hash || canonical
-- event), exactly as chainHash computes it, and the caller checks every returned hash against its
-- own before it commits. Frozen: change it with a new migration file.
CREATE FUNCTION append_chained_events(
  p_stream_id text,
  p_first_version integer,
  p_types text[],
  p_occurred_at timestamptz[],
  p_recorded_at timestamptz,
  p_events text[],
  p_body_before_seq text[],
  p_body_after_seq text[]
) RETURNS TABLE (appended_seq bigint, appended_prev_hash text, appended_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  v_seq bigint;
  v_hash text;
  v_prev text;
BEGIN
  SELECT h.seq, h.hash INTO v_seq, v_hash FROM audit_head AS h WHERE h.id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The audit head row is missing: the event store was damaged; run "resolve audit verify".';
  END IF;
  FOR i IN 1 .. coalesce(cardinality(p_types), 0) LOOP
    v_prev := v_hash;
    v_seq := v_seq + 1;
    v_hash := encode(sha256(convert_to(v_prev || p_body_before_seq[i] || v_seq::text || p_body_after_seq[i], 'UTF8')), 'hex');
    INSERT INTO events (seq, stream_id, version, type, occurred_at, recorded_at, event, prev_hash, hash)
    VALUES (v_seq, p_stream_id, p_first_version + i - 1, p_types[i], p_occurred_at[i], p_recorded_at, p_events[i]::jsonb, v_prev, v_hash);
    appended_seq := v_seq;
    appended_prev_hash := v_prev;
    appended_hash := v_hash;
    RETURN NEXT;
  END LOOP;
  UPDATE audit_head SET seq = v_seq, hash = v_hash WHERE id;
END;
$$;
