-- One submission's identity and file: submission_id, village_code, period, version, file_name, file_sha256.
SELECT submission_id, village_code, period, version, file_name, file_sha256
FROM submissions
WHERE submission_id = $id
