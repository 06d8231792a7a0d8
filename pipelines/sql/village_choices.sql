-- The villages of an area ('' = national, else a code prefix) for a picker: village_code, village_name, subdistrict, district, in code order.
SELECT village_code, village_name, subdistrict, district
FROM villages
WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
ORDER BY village_code
