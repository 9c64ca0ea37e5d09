-- What the unit says about its follow-up items, oldest first.
CREATE TABLE follow_up_comment (
    id INTEGER PRIMARY KEY NOT NULL,
    follow_up_id BIGINT NOT NULL REFERENCES follow_up (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX follow_up_comment_item ON follow_up_comment (follow_up_id, at);
