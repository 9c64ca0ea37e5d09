-- The workflow kernel's one table of steps, for every kind of item: dialogues now, the
-- joint assignment, plans, yearly reports and self-analyses next. A step is dated and
-- kept: an undone step stays, marked; a corrected date keeps the first one; an approval
-- or publication names the document version and hash it was taken on. The dialogue
-- steps move here unchanged.
CREATE TABLE workflow_step (
    id INTEGER PRIMARY KEY NOT NULL,
    item_kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    stage TEXT NOT NULL,
    step_date TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    reason TEXT,
    undone_at BIGINT,
    undone_by TEXT,
    undo_reason TEXT,
    original_date TEXT,
    corrected_at BIGINT,
    corrected_by TEXT,
    correction_reason TEXT,
    document_version BIGINT,
    document_hash TEXT
);
INSERT INTO workflow_step (id, item_kind, item_id, stage, step_date, actor, at, reason, undone_at, undone_by,
    undo_reason, original_date, corrected_at, corrected_by, correction_reason, document_version, document_hash)
SELECT id, 'dialogue', dialogue_id, stage, step_date, actor, at, reason, undone_at, undone_by,
    undo_reason, original_date, corrected_at, corrected_by, correction_reason, report_version, report_hash
FROM dialogue_step;
DROP TABLE dialogue_step;
CREATE INDEX workflow_step_item ON workflow_step (item_kind, item_id, at, id);
