SELECT coalesce(max(version), 0) + 1 AS version,
       max(CASE WHEN is_current THEN file_sha256 END) AS current_sha256
FROM surveys WHERE name = $survey
