-- An embete's yearly report (or mid-year status) on the joint assignment of a year. Its
-- answers are the parted document `yearly_report:<id>`, one part per reporting
-- requirement; this row says which version is current, which version a leader approved
-- and which was submitted.
CREATE TABLE yearly_report (
    id INTEGER PRIMARY KEY NOT NULL,
    embete TEXT NOT NULL REFERENCES organisation (code),
    year BIGINT NOT NULL REFERENCES assignment (year),
    period TEXT NOT NULL,
    version BIGINT NOT NULL,
    approved_version BIGINT,
    approved_at BIGINT,
    approved_by TEXT,
    submitted_version BIGINT,
    submitted_at BIGINT,
    submitted_by TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (embete, year, period)
);
