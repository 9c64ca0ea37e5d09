-- Some steps are taken with a reason that is kept: withdrawing a published report
-- (the reason is shown publicly where the report was), and later corrections.
ALTER TABLE dialogue_step ADD COLUMN reason TEXT;
