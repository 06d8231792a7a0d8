-- Placements per month of the range for each unit of $level (province|district|subdistrict|village) inside an area: area_code, period, count (NULL for a month in which no village of the unit reported).
WITH months AS (
    SELECT CAST(range AS DATE) AS period
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)
),
units AS (
    SELECT village_code,
           CASE $level
               WHEN 'province' THEN province_code
               WHEN 'district' THEN district_code
               WHEN 'subdistrict' THEN subdistrict_code
               WHEN 'village' THEN village_code
           END AS area_code
    FROM villages
    WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
),
reported AS (
    SELECT DISTINCT u.area_code, s.period
    FROM current_submissions s
    JOIN units u USING (village_code)
    WHERE s.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
placed AS (
    SELECT u.area_code, p.period, sum(p.count) AS n
    FROM placements p
    JOIN units u USING (village_code)
    WHERE p.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY u.area_code, p.period
),
grid AS (
    SELECT DISTINCT u.area_code, m.period FROM units u CROSS JOIN months m
)
SELECT g.area_code, g.period,
       CAST(CASE WHEN r.area_code IS NOT NULL THEN coalesce(p.n, 0) END AS BIGINT) AS count
FROM grid g
LEFT JOIN reported r USING (area_code, period)
LEFT JOIN placed p USING (area_code, period)
ORDER BY g.area_code, g.period
