-- The villages of an area that had joined the programme by the year of $end: village_code, village_name, subdistrict, district.
SELECT village_code, village_name, subdistrict, district
FROM villages
WHERE ($area = '' OR village_code = $area OR starts_with(village_code, $area || '.'))
  AND joined_year <= year(CAST($end AS DATE))
ORDER BY village_code
