-- The audit log keeps whose own work a row is about: the embete of a cycle or dialogue.
-- Such rows are read by that embete's leaders only, never by anyone outside it
-- (administrators included). Rows about a cycle or dialogue that no longer exists are
-- marked 'unknown', so they are hidden rather than shown to the wrong people.
ALTER TABLE audit_log ADD COLUMN embete TEXT;
UPDATE audit_log SET embete = COALESCE(
    (SELECT c.embete FROM dialogue d JOIN cycle c ON c.id = d.cycle_id WHERE CAST(d.id AS TEXT) = audit_log.entity_id),
    'unknown')
WHERE entity_type = 'dialogue' AND entity_id <> 'demo';
UPDATE audit_log SET embete = COALESCE(
    (SELECT c.embete FROM cycle c WHERE CAST(c.id AS TEXT) = audit_log.entity_id),
    'unknown')
WHERE entity_type = 'cycle';
CREATE INDEX audit_log_embete ON audit_log (embete, id);
