-- Marks one data-quality finding as checked, with who, when and the note.
INSERT INTO quality_checks (finding_id, checked_by, checked_at, note)
VALUES ($finding_id, $checked_by, $checked_at, $note)
ON CONFLICT (finding_id) DO UPDATE SET checked_by = excluded.checked_by, checked_at = excluded.checked_at,
    note = excluded.note
