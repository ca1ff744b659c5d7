-- Delivery goes by effect kind (teams.card, teams.update, email, calendar.*) instead of two kinds
-- of "case notification". Teams messages still waiting are carried over to the new kinds and
-- payload shape ({ topic, recipient, request }). A case email still waiting held no case reference
-- to compose a subject from, so it is closed with a note; the Teams message of the same
-- notification still goes, with its email fallback.
UPDATE outbox
   SET kind = CASE WHEN payload->>'purpose' = 'card-update' THEN 'teams.update' ELSE 'teams.card' END,
       payload = jsonb_build_object('topic', 'case', 'recipient', payload->>'recipient', 'request', payload)
 WHERE kind = 'case-notification' AND status IN ('pending', 'ambiguous', 'delivering');

UPDATE outbox
   SET status = 'failed',
       last_error = 'not sent: queued before delivery went by kind; the Teams message of the same notification carries it'
 WHERE kind = 'case-notification-email' AND status IN ('pending', 'ambiguous', 'delivering');
