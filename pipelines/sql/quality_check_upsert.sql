-- Marks one data-quality finding as checked, with who, when and the note.
INSERT OR REPLACE INTO quality_checks (finding_id, checked_by, checked_at, note)
VALUES ($finding_id, $checked_by, $checked_at, $note)
