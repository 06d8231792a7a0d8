-- Every target load, newest first (rows_sha256: the same targets loaded again change nothing).
SELECT load_id AS version, file_name, file_sha256, rows_sha256, uploaded_by, uploaded_at, targets
FROM target_loads ORDER BY load_id DESC
