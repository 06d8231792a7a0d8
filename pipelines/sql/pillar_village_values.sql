-- Reported (non-NULL) indicator values of an area's villages per month from $start to $end: village_code, indicator_code, period, value.
-- A blank cell (NULL) is "not reported" and is left out: the scorecard treats absence as not reported, never as 0.
SELECT iv.village_code, iv.indicator_code, iv.period, iv.value
FROM indicator_values iv
JOIN villages v USING (village_code)
WHERE ($area = '' OR v.village_code = $area OR starts_with(v.village_code, $area || '.'))
  AND iv.value IS NOT NULL
  AND iv.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
ORDER BY iv.village_code, iv.indicator_code, iv.period
