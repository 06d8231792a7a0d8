-- Every uploaded version in scope ($all or $districts), optionally one district, village or month, newest month, village and version first: submission_id, district_code, district, village_code, village_name, period, version, versions, is_current, status, file_name, file_sha256, uploaded_by, uploaded_at, officer, warnings (how many).
SELECT s.submission_id, v.district_code, v.district, s.village_code, v.village_name, s.period, s.version,
       CAST(count(*) OVER (PARTITION BY s.village_code, s.period) AS INTEGER) AS versions,
       s.is_current, s.status, s.file_name, s.file_sha256, s.uploaded_by, s.uploaded_at, s.officer,
       CAST(json_array_length(s.warnings) AS INTEGER) AS warnings
FROM submissions s
JOIN villages v USING (village_code)
WHERE ($all OR list_contains(CAST($districts AS VARCHAR[]), v.district_code))
  AND ($district = '' OR v.district_code = $district)
  AND ($village = '' OR s.village_code = $village)
  AND ($period IS NULL OR s.period = CAST($period AS DATE))
ORDER BY s.period DESC, s.village_code, s.version DESC
