-- The secretariat's synthesis of a year's assessments for the steering group. Its texts
-- (and, from the release on, the figures as they stood) are the parted document
-- `synthesis:<year>`; this row says which version is current, which was released to the
-- steering group, and when it was published.
CREATE TABLE synthesis (
    year BIGINT PRIMARY KEY NOT NULL REFERENCES assignment (year),
    version BIGINT NOT NULL,
    released_version BIGINT,
    released_at BIGINT,
    released_by TEXT,
    published_at BIGINT,
    published_by TEXT,
    created_at BIGINT NOT NULL
);
