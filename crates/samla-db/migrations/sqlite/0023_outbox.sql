-- E-mail about what landed in someone's work list. A row is written in the same
-- transaction as the change it tells of, so a change never happens without its message
-- and a message never tells of a change that was rolled back; a worker sends it later.
-- The words are made at sending time from the kind and its parameters (JSON).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    params TEXT NOT NULL,
    -- Set for messages that go out once per reason (a deadline reminder), NULL otherwise.
    dedupe_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT,
    -- Given up on: too many failures, or too old to be worth sending.
    failed_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_user ON outbox (user_id);

-- The kinds of e-mail a person has said no to; every kind is sent unless it is here.
CREATE TABLE email_opt_out (
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
