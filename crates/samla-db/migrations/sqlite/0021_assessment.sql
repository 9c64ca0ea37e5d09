-- The secretariat's assessment of each answer of a submitted yearly report, naming the
-- report version (and its hash) it assessed.
CREATE TABLE assessment (
    report_id BIGINT NOT NULL REFERENCES yearly_report (id),
    requirement BIGINT NOT NULL,
    rubric TEXT NOT NULL,
    risk TEXT NOT NULL,
    comment TEXT NOT NULL,
    report_version BIGINT NOT NULL,
    report_sha256 TEXT NOT NULL,
    assessed_at BIGINT NOT NULL,
    assessed_by TEXT NOT NULL,
    PRIMARY KEY (report_id, requirement)
);

-- The thread about one answer: the secretariat's questions and the embete's replies.
CREATE TABLE assessment_message (
    id INTEGER PRIMARY KEY NOT NULL,
    report_id BIGINT NOT NULL REFERENCES yearly_report (id),
    requirement BIGINT NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    sent_by TEXT NOT NULL
);

-- When the secretariat released a report's assessments to its embete.
CREATE TABLE assessment_release (
    report_id BIGINT PRIMARY KEY NOT NULL REFERENCES yearly_report (id),
    released_at BIGINT NOT NULL,
    released_by TEXT NOT NULL
);
