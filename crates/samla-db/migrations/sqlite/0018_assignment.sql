-- The joint assignment: one per year. Its text is a document in the document kernel
-- (`assignment:<year>`, a JSON object of section key → text); this table holds where it
-- stands and which version is current.
CREATE TABLE assignment (
    year BIGINT PRIMARY KEY NOT NULL,
    stage TEXT NOT NULL,
    version BIGINT NOT NULL,
    copied_from BIGINT REFERENCES assignment (year),
    published_version BIGINT,
    created_at BIGINT NOT NULL
);

-- The sections in order, each owned by the secretariat or one directorate.
CREATE TABLE assignment_section (
    year BIGINT NOT NULL REFERENCES assignment (year),
    key TEXT NOT NULL,
    owner TEXT NOT NULL REFERENCES organisation (code),
    position BIGINT NOT NULL,
    PRIMARY KEY (year, key)
);

-- Each directorate's latest sign-off: the version and hash it signed. One that names an
-- earlier version than the current one was voided by the change; the audit log keeps
-- every sign-off given.
CREATE TABLE assignment_sign_off (
    year BIGINT NOT NULL REFERENCES assignment (year),
    directorate TEXT NOT NULL REFERENCES organisation (code),
    version BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    signed_by TEXT NOT NULL,
    PRIMARY KEY (year, directorate)
);

-- A requirement's stable identity: the same in every year it is carried into, so that
-- plans, reports and assessments can point at it. Its text is in each year's document,
-- as the row `req:<id>`.
CREATE TABLE requirement_identity (
    id INTEGER PRIMARY KEY NOT NULL,
    first_year BIGINT NOT NULL REFERENCES assignment (year),
    created_at BIGINT NOT NULL
);
