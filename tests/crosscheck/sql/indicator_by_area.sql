-- One indicator over a month range per unit of $level (province|district|subdistrict|village) inside an area: area_code, area_name, value, villages_reporting.
-- Same semantics as indicator_totals.sql inside each unit; units without reports appear with NULL.
WITH units AS (
    SELECT village_code,
           CASE $level
               WHEN 'province' THEN province_code
               WHEN 'district' THEN district_code
               WHEN 'subdistrict' THEN subdistrict_code
               WHEN 'village' THEN village_code
           END AS area_code,
           CASE $level
               WHEN 'province' THEN province
               WHEN 'district' THEN district
               WHEN 'subdistrict' THEN subdistrict
               WHEN 'village' THEN village_name
           END AS area_name
    FROM villages
    WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
),
reported AS (
    SELECT u.area_code, iv.village_code, iv.period, iv.value
    FROM indicator_values iv
    JOIN units u USING (village_code)
    WHERE iv.indicator_code = $code
      AND iv.value IS NOT NULL
      AND iv.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
per_village AS (
    SELECT area_code, village_code, sum(value) AS total, arg_max(value, period) AS latest
    FROM reported
    GROUP BY area_code, village_code
),
per_unit AS (
    SELECT area_code,
           CAST(CASE $kind
                    WHEN 'flow' THEN sum(total)
                    WHEN 'stock' THEN sum(latest)
                    WHEN 'flag' THEN count_if(latest = 1)
                END AS DOUBLE) AS value,
           count(*) AS villages_reporting
    FROM per_village
    GROUP BY area_code
),
unit_names AS (
    SELECT area_code, min(area_name) AS area_name
    FROM units
    GROUP BY area_code
)
SELECT n.area_code, n.area_name, p.value, coalesce(p.villages_reporting, 0) AS villages_reporting
FROM unit_names n
LEFT JOIN per_unit p USING (area_code)
ORDER BY n.area_code
