-- Every registry village inside an area with its place and, over a month range, placements, returns, remittances (NULL when the village sent no report in the range), months joined and months reported.
-- Flows are summed over months; a village that reported but listed no rows has 0. Months joined count
-- only from the year the village joined the programme (as completeness_by_month.sql).
WITH months AS (
    SELECT CAST(range AS DATE) AS period
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)
),
area_villages AS (
    SELECT *
    FROM villages
    WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
),
reported AS (
    SELECT s.village_code, count(DISTINCT s.period) AS months_reported
    FROM current_submissions s
    JOIN area_villages USING (village_code)
    WHERE s.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY s.village_code
),
joined AS (
    SELECT a.village_code, count(*) AS months_joined
    FROM area_villages a
    JOIN months m ON a.joined_year <= year(m.period)
    GROUP BY a.village_code
),
placed AS (
    SELECT village_code, sum(count) AS n, sum(CASE WHEN sex = 'P' THEN count ELSE 0 END) AS women
    FROM placements
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code
),
returned AS (
    SELECT village_code, sum(count) AS n, sum(with_problem) AS with_problem
    FROM returns
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code
),
remitted AS (
    SELECT village_code, sum(amount_idr) AS amount
    FROM remittances
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code
)
SELECT a.village_code, a.village_name, a.subdistrict_code, a.subdistrict, a.district_code, a.district,
       a.province_code, a.province, a.joined_year, a.lat, a.lon, a.coords_exact,
       CAST(CASE WHEN r.village_code IS NOT NULL THEN coalesce(p.n, 0) END AS DOUBLE) AS placements,
       CAST(CASE WHEN r.village_code IS NOT NULL THEN coalesce(p.women, 0) END AS DOUBLE) AS placements_women,
       CAST(CASE WHEN r.village_code IS NOT NULL THEN coalesce(t.n, 0) END AS DOUBLE) AS returns,
       CAST(CASE WHEN r.village_code IS NOT NULL THEN coalesce(t.with_problem, 0) END AS DOUBLE) AS returns_with_problem,
       CAST(CASE WHEN r.village_code IS NOT NULL THEN coalesce(m.amount, 0) END AS DOUBLE) AS remittances,
       coalesce(j.months_joined, 0) AS months_joined,
       coalesce(r.months_reported, 0) AS months_reported
FROM area_villages a
LEFT JOIN reported r USING (village_code)
LEFT JOIN joined j USING (village_code)
LEFT JOIN placed p USING (village_code)
LEFT JOIN returned t USING (village_code)
LEFT JOIN remitted m USING (village_code)
ORDER BY a.village_code
