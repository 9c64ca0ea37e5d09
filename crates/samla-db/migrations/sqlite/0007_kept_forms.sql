-- A form posted after its session had expired is kept here for the user whose session
-- it was, so that nothing typed is lost: it is shown to that user alone after the next
-- login, sent again or discarded, and removed when it expires (kept_forms.rs).
CREATE TABLE kept_form (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    return_to TEXT NOT NULL,
    body TEXT NOT NULL,
    kept_at BIGINT NOT NULL
);
CREATE INDEX kept_form_by_user ON kept_form (user_id, kept_at);
