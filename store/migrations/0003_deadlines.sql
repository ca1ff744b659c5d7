-- Durable deadlines: claimed under a lease with a fencing token, fired exactly once.
CREATE SEQUENCE deadline_fencing_token;

CREATE TABLE deadlines (
  id bigserial PRIMARY KEY,
  stream_id text NOT NULL,
  key text NOT NULL,
  kind text NOT NULL,
  due_at timestamptz NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'fired', 'cancelled')),
  claimed_by text,
  -- while claimed: the end of the lease; after a failed attempt: when it may be tried again
  lease_until timestamptz,
  fencing_token bigint NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  fired_at timestamptz,
  fired_by text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT deadlines_stream_key UNIQUE (stream_id, key)
);

CREATE INDEX deadlines_due ON deadlines (due_at) WHERE status = 'scheduled';
