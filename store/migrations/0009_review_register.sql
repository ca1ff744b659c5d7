-- Read model of each review series (a looked-after child's reviews, or a foster carer household's),
-- kept in the transaction that appends the series' events: what is due next, by when, under which
-- rule, who holds it and whether it is booked. Frozen: change it with a new migration file.
CREATE TABLE review_due (
  kind text NOT NULL,
  reference text NOT NULL,
  stream_id text NOT NULL UNIQUE,
  -- The next review (initial, second, ...), its statutory due date, latest meeting date and rule;
  -- all null once the series has ceased.
  review text,
  due date,
  latest_meeting_date date,
  rule text,
  officer text,
  worker text,
  booked_start timestamptz,
  booked_end timestamptz,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (kind, reference)
);

CREATE INDEX review_due_by_due ON review_due (due, latest_meeting_date, reference) WHERE due IS NOT NULL;
CREATE INDEX review_due_by_officer ON review_due (officer, due) WHERE due IS NOT NULL;
CREATE INDEX review_due_by_worker ON review_due (worker, due) WHERE due IS NOT NULL;
