-- Every joined village x month of the range over an area: village_code, period, status ('tepat_waktu' | 'terlambat' | 'tidak_lapor').
-- On time = the FIRST version's report date is on or before day $deadline_day of the following month.
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
    SELECT a.village_code, m.period,
           -- day N of the next month, capped at its last day (a deadline of 31 in February)
           least(CAST(m.period + INTERVAL 1 MONTH AS DATE) + (CAST($deadline_day AS INTEGER) - 1),
                 last_day(CAST(m.period + INTERVAL 1 MONTH AS DATE))) AS deadline
    FROM months m
    JOIN area_villages a ON a.joined_year <= year(m.period)
),
current_reports AS (
    SELECT DISTINCT village_code, period
    FROM current_submissions
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
first_versions AS (
    -- judged on the first upload: a later correction must not turn a late report into an on-time one
    SELECT village_code, period,
           arg_min(coalesce(reported_on, CAST(uploaded_at AS DATE)), version) AS report_date
    FROM submissions
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code, period
)
SELECT j.village_code,
       j.period,
       CASE
           WHEN c.village_code IS NULL THEN 'tidak_lapor'
           WHEN f.report_date <= j.deadline THEN 'tepat_waktu'
           ELSE 'terlambat'
       END AS status
FROM joined j
LEFT JOIN current_reports c USING (village_code, period)
LEFT JOIN first_versions f USING (village_code, period)
ORDER BY j.village_code, j.period
