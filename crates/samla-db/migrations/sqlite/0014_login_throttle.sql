-- Failed logins, counted per account and per source address (each kept as a SHA-256,
-- never as typed) in one row per key, so that checking and counting an attempt is one
-- atomic update across all instances. It replaces login_failure, which stored what was
-- typed into the e-mail field on every failure: a way to fill the disk, and a password
-- typed into the wrong field was kept in it.
DROP TABLE login_failure;
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);

-- For the same reason, refused logins to no known account no longer name what was typed
-- in the audit log; the rows written before this are cleared of it.
UPDATE audit_log SET actor = 'unknown account', entity_id = 'unknown'
WHERE action = 'auth.login_failed' AND actor_user_id IS NULL;
