-- Findings marked as checked: finding_id, checked_by, checked_at, note.
SELECT finding_id, checked_by, checked_at, note FROM quality_checks
