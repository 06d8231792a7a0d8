-- Every indicator value of one village's current reports in a month range: indicator_code, period, value (NULL = left blank, not reported).
SELECT indicator_code, period, value
FROM indicator_values
WHERE village_code = $village
  AND period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
ORDER BY period, indicator_code
