-- The interface language a user chose, so it follows them to another browser.
ALTER TABLE app_user ADD COLUMN language TEXT;

-- One-time links an administrator hands to a user who cannot log in: only a hash of the
-- secret is kept; a link works once, within its lifetime, and is gone when used.
CREATE TABLE password_reset (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_reset_user ON password_reset (user_id);
