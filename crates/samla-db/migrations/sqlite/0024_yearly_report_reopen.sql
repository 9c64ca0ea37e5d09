-- The secretariat may reopen a submitted yearly report, with a reason the embete reads:
-- the approval and submission are cleared, the report is a draft again, and these say
-- when, by whom and why (the audit log keeps every reopening).
ALTER TABLE yearly_report ADD COLUMN reopened_at BIGINT;
ALTER TABLE yearly_report ADD COLUMN reopened_by TEXT;
ALTER TABLE yearly_report ADD COLUMN reopened_reason TEXT;
