-- Reported (non-NULL) indicator values of an area and month range, one row per village, month and indicator: village_code, period, indicator_code, value.
SELECT iv.village_code, iv.period, iv.indicator_code, iv.value
FROM indicator_values iv
WHERE ($area = '' OR iv.village_code = $area OR starts_with(iv.village_code, $area || '.'))
  AND iv.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND iv.value IS NOT NULL
