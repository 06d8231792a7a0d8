-- Where each registry village of an area lies: village_code, lat, lon, coords_exact (the map's places; figures come from the metric layer).
SELECT village_code, lat, lon, coords_exact
FROM villages
WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
ORDER BY village_code
