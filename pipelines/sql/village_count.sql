-- Villages in the registry within an area ('' = national; else a code prefix such as 35.04).
SELECT count(*) AS villages
FROM villages
WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
