-- Regions through time: each row is one version valid from valid_from to valid_to
-- (inclusive; NULL = still valid). Dates are ISO text so they compare as dates.
CREATE TABLE embete_name (
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    PRIMARY KEY (code, valid_from)
);

CREATE TABLE county (
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    embete TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    PRIMARY KEY (number, valid_from)
);

CREATE TABLE municipality (
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    county TEXT NOT NULL,
    embete TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    PRIMARY KEY (number, valid_from)
);
CREATE INDEX municipality_embete ON municipality (embete, valid_from);

CREATE TABLE district (
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    PRIMARY KEY (number, valid_from)
);

CREATE TABLE municipality_change (
    change_date TEXT NOT NULL,
    predecessor TEXT NOT NULL,
    successor TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (change_date, predecessor, successor)
);
CREATE INDEX municipality_change_successor ON municipality_change (successor);

-- People and access.
CREATE TABLE organisation (
    code TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL REFERENCES organisation (code),
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE user_role (
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- Sessions live in the database so that every instance sees them and logout is real.
CREATE TABLE session (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE api_token (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

-- Failed logins, counted per account across all instances.
CREATE TABLE login_failure (
    id INTEGER PRIMARY KEY NOT NULL,
    account TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failure_account ON login_failure (account, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
