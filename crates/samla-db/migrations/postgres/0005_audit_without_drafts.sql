-- Draft saves used to keep the draft's whole text in the audit log, readable by
-- administrators of every embete and holding any identity number the publication gate
-- later refused. The log now keeps only the changed fields' names and hashes
-- (audit::draft_change); the rows written before are redacted here, the one time the
-- log is rewritten.
UPDATE audit_log
SET before_json = NULL,
    after_json = '{"redacted":"draft text is not kept"}'
WHERE action IN ('report.save', 'meeting.save');
