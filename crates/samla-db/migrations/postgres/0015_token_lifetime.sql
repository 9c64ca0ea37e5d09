-- API tokens expire (90 days unless chosen otherwise when made); the tokens made before
-- this get 90 days from their creation, so an old forgotten token stops working too.
ALTER TABLE api_token ADD COLUMN expires_at BIGINT;
UPDATE api_token SET expires_at = created_at + 90 * 86400;
-- Disabling an account revokes its tokens, so enabling it again does not revive them;
-- the tokens of accounts disabled before this are revoked now.
UPDATE api_token SET revoked_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)
WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM app_user WHERE disabled);
CREATE INDEX api_token_user ON api_token (user_id);
