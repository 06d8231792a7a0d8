-- Every uploaded version of one village's reports for the months of a range, newest month and version first: period, version, is_current, file_name, uploaded_by, uploaded_at, reported_on, officer, status, warnings (how many).
SELECT period, version, is_current, file_name, uploaded_by, uploaded_at, reported_on, officer, status,
       CAST(json_array_length(warnings) AS INTEGER) AS warnings
FROM submissions
WHERE village_code = $village
  AND period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
ORDER BY period DESC, version DESC
