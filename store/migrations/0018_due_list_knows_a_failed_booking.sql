-- The reviews falling due say which one's last booking Outlook did not make (BookingFailed), so
-- an administrator scanning "due" sees that a review they booked is not booked after all.
-- Frozen: change it with a new migration file.
--
-- A series whose booking failed before this migration reads false until its next change; the
-- booker was told in Teams and by email when it failed.
ALTER TABLE review_due ADD COLUMN booking_failed boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION project_review_due(p jsonb) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO review_due (kind, reference, stream_id, review, due, latest_meeting_date, rule, officer, worker, booked_start, booked_end,
                          booking_failed, version, updated_at)
  VALUES (p->>'kind', p->>'reference', p->>'streamId', p->>'review', (p->>'due')::date, (p->>'latestMeetingDate')::date, p->>'rule',
          p->>'officer', p->>'worker', (p->>'bookedStart')::timestamptz, (p->>'bookedEnd')::timestamptz,
          coalesce((p->>'bookingFailed')::boolean, false), (p->>'version')::integer, (p->>'updatedAt')::timestamptz)
  ON CONFLICT (kind, reference) DO UPDATE SET
    stream_id = excluded.stream_id, review = excluded.review, due = excluded.due, latest_meeting_date = excluded.latest_meeting_date,
    rule = excluded.rule, officer = excluded.officer, worker = excluded.worker, booked_start = excluded.booked_start,
    booked_end = excluded.booked_end, booking_failed = excluded.booking_failed, version = excluded.version, updated_at = excluded.updated_at
$$;
