-- Reported indicator values (NULL = not reported is left out) of an area's villages from $start to $end: village_code, district_code, period, indicator_code, value.
SELECT i.village_code, v.district_code, i.period, i.indicator_code, i.value
FROM indicator_values i
JOIN villages v USING (village_code)
WHERE ($area = '' OR v.village_code = $area OR starts_with(v.village_code, $area || '.'))
  AND i.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND i.indicator_code IN (SELECT unnest($codes::VARCHAR[]))
  AND i.value IS NOT NULL
