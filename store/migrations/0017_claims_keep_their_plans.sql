-- The deliverer's claims keep their plans (issue 11). Sent as statements, each claim was parsed
-- and planned for every call, and at 100,000 cases its planning (about 0.8 to 1.1 ms on the server)
-- cost more than running it; a prepared statement did not help, as the server went on choosing a
-- custom plan for it. In a PL/pgSQL function whose plan_cache_mode is force_generic_plan a claim is
-- planned once a connection, as a generic plan: every row it reads is found by an index
-- (outbox_claim_order, outbox_destination_unsettled, the primary key) whatever the arguments, so
-- the plan made for one call is the plan for every call. An ANALYZE (autovacuum's on a server, the
-- delivery worker's housekeeping on PGlite) invalidates it, and the next call plans again.
--
-- The two statements are claimQuery's (store/outbox.ts) with the arguments named: the heads alone
-- when one effect a destination is claimed (the loop), the heads and the due effects that follow
-- each when more are (a batch). A store test checks that this function holds them as written there.
-- Frozen: change it with a new migration file.
CREATE FUNCTION claim_outbox(p_worker text, p_now timestamptz, p_lease_until timestamptz, p_limit integer, p_per_destination integer, p_busy text[])
RETURNS TABLE (id bigint, idempotency_key text, stream_id text, destination text, tenant text, kind text, payload jsonb, status text,
               attempts integer, ambiguous_attempts integer, next_attempt_at timestamptz, claimed_by text, lease_until timestamptz,
               fencing_token bigint, last_error text, receipt text, delivered_at timestamptz, previous_status text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  IF p_per_destination = 1 THEN
    RETURN QUERY
    WITH head AS MATERIALIZED (
         SELECT h.id, h.status FROM outbox h
          WHERE h.status IN ('pending', 'ambiguous', 'delivering')
            AND h.next_attempt_at <= (SELECT greatest(p_now::timestamptz, max(d.next_attempt_at)) FROM outbox d WHERE d.status = 'delivering' AND d.lease_until <= p_now)
            AND ((h.status <> 'delivering' AND h.next_attempt_at <= p_now) OR (h.status = 'delivering' AND h.lease_until <= p_now))
            AND h.destination <> ALL (p_busy::text[])
            AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.destination = h.destination AND e.id < h.id AND e.status IN ('pending', 'ambiguous', 'delivering'))
          ORDER BY h.next_attempt_at, h.id
          LIMIT p_limit
          FOR UPDATE OF h SKIP LOCKED
       ), chosen AS (SELECT id, status AS previous_status FROM head WHERE 1 <= p_per_destination::int)
       UPDATE outbox o
          SET status = 'delivering', claimed_by = p_worker, lease_until = p_lease_until, fencing_token = nextval('outbox_fencing_token'),
              attempts = o.attempts + 1,
              ambiguous_attempts = o.ambiguous_attempts + CASE WHEN o.status = 'delivering' THEN 1 ELSE 0 END,
              last_error = CASE WHEN o.status = 'delivering' THEN 'an attempt was interrupted before it was confirmed; it may have been delivered' ELSE o.last_error END,
              updated_at = p_now
         FROM chosen c
        WHERE o.id = c.id AND ((o.status IN ('pending', 'ambiguous') AND o.next_attempt_at <= p_now) OR (o.status = 'delivering' AND o.lease_until <= p_now))
        RETURNING o.id, o.idempotency_key, o.stream_id, o.destination, o.tenant, o.kind, o.payload, o.status, o.attempts, o.ambiguous_attempts, o.next_attempt_at, o.claimed_by, o.lease_until, o.fencing_token, o.last_error, o.receipt, o.delivered_at, c.previous_status;
  ELSE
    RETURN QUERY
    WITH head AS MATERIALIZED (
         SELECT h.id, h.destination, h.next_attempt_at FROM outbox h
          WHERE h.status IN ('pending', 'ambiguous', 'delivering')
            AND h.next_attempt_at <= (SELECT greatest(p_now::timestamptz, max(d.next_attempt_at)) FROM outbox d WHERE d.status = 'delivering' AND d.lease_until <= p_now)
            AND ((h.status <> 'delivering' AND h.next_attempt_at <= p_now) OR (h.status = 'delivering' AND h.lease_until <= p_now))
            AND h.destination <> ALL (p_busy::text[])
            AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.destination = h.destination AND e.id < h.id AND e.status IN ('pending', 'ambiguous', 'delivering'))
          ORDER BY h.next_attempt_at, h.id
          LIMIT p_limit
          FOR UPDATE OF h SKIP LOCKED
       ), run AS (
         SELECT r.id, r.status, hd.id AS head_id, hd.next_attempt_at AS head_due,
                row_number() OVER w AS place, bool_and(((r.status IN ('pending', 'ambiguous') AND r.next_attempt_at <= p_now) OR (r.status = 'delivering' AND r.lease_until <= p_now))) OVER w AS due_so_far
           FROM head hd JOIN outbox r ON r.destination = hd.destination AND r.id >= hd.id AND r.status IN ('pending', 'ambiguous', 'delivering')
         WINDOW w AS (PARTITION BY hd.id ORDER BY r.id)
       ), chosen AS (
         SELECT id, status AS previous_status FROM run
          WHERE due_so_far AND place <= p_per_destination
          ORDER BY place, head_due, head_id
          LIMIT p_limit
       )
       UPDATE outbox o
          SET status = 'delivering', claimed_by = p_worker, lease_until = p_lease_until, fencing_token = nextval('outbox_fencing_token'),
              attempts = o.attempts + 1,
              ambiguous_attempts = o.ambiguous_attempts + CASE WHEN o.status = 'delivering' THEN 1 ELSE 0 END,
              last_error = CASE WHEN o.status = 'delivering' THEN 'an attempt was interrupted before it was confirmed; it may have been delivered' ELSE o.last_error END,
              updated_at = p_now
         FROM chosen c
        WHERE o.id = c.id AND ((o.status IN ('pending', 'ambiguous') AND o.next_attempt_at <= p_now) OR (o.status = 'delivering' AND o.lease_until <= p_now))
        RETURNING o.id, o.idempotency_key, o.stream_id, o.destination, o.tenant, o.kind, o.payload, o.status, o.attempts, o.ambiguous_attempts, o.next_attempt_at, o.claimed_by, o.lease_until, o.fencing_token, o.last_error, o.receipt, o.delivered_at, c.previous_status;
  END IF;
END;
$$;
