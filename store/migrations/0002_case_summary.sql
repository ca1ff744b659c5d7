-- Read model of each case, kept in the transaction that appends the case's events.
CREATE TABLE case_summary (
  case_id text PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  policy_id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  is_open boolean NOT NULL,
  stage_id text,
  stage_label text,
  raised_by text NOT NULL,
  addressees jsonb NOT NULL DEFAULT '[]',
  copied jsonb NOT NULL DEFAULT '[]',
  response_due_at timestamptz,
  overall_limit_at timestamptz,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL,
  summary jsonb NOT NULL
);

CREATE INDEX case_summary_open_by_stage ON case_summary (stage_id) WHERE is_open;
CREATE INDEX case_summary_open_by_due ON case_summary (response_due_at) WHERE is_open;
CREATE INDEX case_summary_open_by_raiser ON case_summary (raised_by) WHERE is_open;
CREATE INDEX case_summary_addressees ON case_summary USING gin (addressees);
CREATE INDEX case_summary_copied ON case_summary USING gin (copied);
