-- The current version, its number and checksum, of every village-month (for new versions and duplicates).
SELECT village_code, period, version, file_sha256
FROM submissions
WHERE is_current
