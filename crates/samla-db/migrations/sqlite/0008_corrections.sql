-- Mistakes can be corrected, with a reason that is kept: an undone step stays in the
-- dialogue's history, marked with when, by whom and why it was undone.
ALTER TABLE dialogue_step ADD COLUMN undone_at BIGINT;
ALTER TABLE dialogue_step ADD COLUMN undone_by TEXT;
ALTER TABLE dialogue_step ADD COLUMN undo_reason TEXT;

-- A double submit of the "new cycle" form made two identical cycles. One name per
-- cycle within an embete: cycles that already share a name get their id added first.
UPDATE cycle SET name = name || ' (' || CAST(id AS TEXT) || ')'
WHERE id NOT IN (SELECT MIN(id) FROM cycle GROUP BY embete, name);
CREATE UNIQUE INDEX cycle_name_per_embete ON cycle (embete, name);
