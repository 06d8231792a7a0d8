-- Per month of the range over an area: period, villages_joined, villages_reported (joined villages with a current submission), completeness = reported / joined.
WITH months AS (
    SELECT CAST(range AS DATE) AS period
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)
),
area_villages AS (
    SELECT village_code, joined_year
    FROM villages
    WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
),
joined AS (
    -- a village is only expected to report from the year it joined the programme
    SELECT m.period, a.village_code
    FROM months m
    JOIN area_villages a ON a.joined_year <= year(m.period)
),
reported AS (
    SELECT DISTINCT village_code, period
    FROM current_submissions
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
per_month AS (
    SELECT j.period,
           count(*) AS villages_joined,
           count(r.village_code) AS villages_reported
    FROM joined j
    LEFT JOIN reported r USING (village_code, period)
    GROUP BY j.period
)
SELECT m.period,
       coalesce(p.villages_joined, 0) AS villages_joined,
       coalesce(p.villages_reported, 0) AS villages_reported,
       CASE WHEN p.villages_joined > 0 THEN p.villages_reported / p.villages_joined END AS completeness
FROM months m
LEFT JOIN per_month p USING (period)
ORDER BY m.period
