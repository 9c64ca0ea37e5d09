-- A step's date can be corrected, with a reason that is kept: the step keeps the date
-- first recorded, and who corrected it, when and why.
ALTER TABLE dialogue_step ADD COLUMN original_date TEXT;
ALTER TABLE dialogue_step ADD COLUMN corrected_at BIGINT;
ALTER TABLE dialogue_step ADD COLUMN corrected_by TEXT;
ALTER TABLE dialogue_step ADD COLUMN correction_reason TEXT;
