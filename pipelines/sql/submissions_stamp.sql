-- The load's new submissions carry the data version it took (run inside the load transaction).
UPDATE submissions SET data_version = $version
WHERE submission_id IN (SELECT submission_id FROM staged_submissions)
