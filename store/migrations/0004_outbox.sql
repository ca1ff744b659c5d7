-- Outbound effects (cards, messages, emails, calendar writes), queued with the events that caused them.
CREATE SEQUENCE outbox_fencing_token;

CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  idempotency_key text NOT NULL,
  stream_id text,
  destination text NOT NULL,
  tenant text NOT NULL DEFAULT '',
  kind text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivering', 'delivered', 'ambiguous', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  ambiguous_attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  claimed_by text,
  lease_until timestamptz,
  fencing_token bigint NOT NULL DEFAULT 0,
  last_error text,
  receipt text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  delivered_at timestamptz,
  CONSTRAINT outbox_idempotency_key UNIQUE (idempotency_key)
);

CREATE INDEX outbox_ready ON outbox (next_attempt_at) WHERE status IN ('pending', 'ambiguous');
CREATE INDEX outbox_in_flight ON outbox (lease_until) WHERE status = 'delivering';
