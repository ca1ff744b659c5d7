-- Where to reach each person proactively: their 1:1 conversation reference with the bot.
-- Operational data, replaced when it changes (a new chat, another region's service URL); it is
-- not part of the audit trail, so it lives here and not in the hash-chained event store.
CREATE TABLE conversation_reference (
  user_id text PRIMARY KEY,
  reference jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
