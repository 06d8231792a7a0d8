-- Every version of one village-month, oldest first: submission_id, version, is_current, status, file_name, file_sha256, uploaded_by, uploaded_at, officer, warnings (how many).
SELECT submission_id, version, is_current, status, file_name, file_sha256, uploaded_by, uploaded_at, officer,
       CAST(json_array_length(warnings) AS INTEGER) AS warnings
FROM submissions
WHERE village_code = $village AND period = CAST($period AS DATE)
ORDER BY version
