-- One indicator per month of the range over an area: period, value (flow and stock = sum over villages; flag = villages reporting 1), villages_reporting.
WITH months AS (
    -- every month of the range, so a month nobody reported shows as NULL rather than vanishing
    SELECT CAST(range AS DATE) AS period
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)
),
area_villages AS (
    SELECT village_code
    FROM villages
    WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
),
reported AS (
    SELECT iv.period, iv.village_code, iv.value
    FROM indicator_values iv
    JOIN area_villages USING (village_code)
    WHERE iv.indicator_code = $code
      AND iv.value IS NOT NULL
      AND iv.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
per_month AS (
    SELECT period,
           CAST(CASE WHEN $kind = 'flag' THEN count_if(value = 1) ELSE sum(value) END AS DOUBLE) AS value,
           count(DISTINCT village_code) AS villages_reporting
    FROM reported
    GROUP BY period
)
SELECT m.period, p.value, coalesce(p.villages_reporting, 0) AS villages_reporting
FROM months m
LEFT JOIN per_month p USING (period)
ORDER BY m.period
