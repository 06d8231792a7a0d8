-- Placement rows of an area and month range per village and month: village_code, period, country_iso2, sector, sex, count (the metric layer keeps those of counted village-months).
SELECT village_code, period, country_iso2, sector, sex, count
FROM placements
WHERE ($area = '' OR village_code = $area OR starts_with(village_code, $area || '.'))
  AND period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
