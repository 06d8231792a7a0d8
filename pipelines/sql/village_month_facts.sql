-- The pre-computed facts of the village-months of the keys table (one row per village-month with a submission): village_code, period, reported (a current version exists), report_date (the FIRST version's tanggal_lapor, else its upload date), the data-sheet flows of the current version (0 when it has no rows) and one column per catalogue indicator (NULL when not reported).
-- The keys table (a table or view with village_code and period) and the per-indicator columns are filled in by pipelines/metrics/rollup.py.
WITH wanted AS (
    SELECT DISTINCT village_code, period FROM {keys}
),
reports AS (
    SELECT s.village_code, s.period,
           bool_or(s.is_current) AS reported,
           (array_agg(coalesce(s.reported_on, CAST(s.uploaded_at AS DATE)) ORDER BY s.version))[1] AS report_date
    FROM submissions s JOIN wanted w ON w.village_code = s.village_code AND w.period = s.period
    GROUP BY s.village_code, s.period
),
placed AS (
    SELECT p.village_code, p.period, sum(p.count) AS n, sum(CASE WHEN p.sex = 'P' THEN p.count ELSE 0 END) AS women
    FROM placements p JOIN wanted w ON w.village_code = p.village_code AND w.period = p.period
    GROUP BY p.village_code, p.period
),
returned AS (
    SELECT t.village_code, t.period, sum(t.count) AS n, sum(t.with_problem) AS with_problem
    FROM returns t JOIN wanted w ON w.village_code = t.village_code AND w.period = t.period
    GROUP BY t.village_code, t.period
),
remitted AS (
    SELECT m.village_code, m.period, sum(m.amount_idr) AS amount, sum(m.transactions) AS transactions
    FROM remittances m JOIN wanted w ON w.village_code = m.village_code AND w.period = m.period
    GROUP BY m.village_code, m.period
),
valued AS (
    SELECT v.village_code, v.period, {indicators}
    FROM indicator_values v JOIN wanted w ON w.village_code = v.village_code AND w.period = v.period
    GROUP BY v.village_code, v.period
)
SELECT r.village_code, r.period, r.reported, r.report_date,
       CAST(coalesce(p.n, 0) AS DOUBLE) AS placements,
       CAST(coalesce(p.women, 0) AS DOUBLE) AS placements_women,
       CAST(coalesce(t.n, 0) AS DOUBLE) AS returns,
       CAST(coalesce(t.with_problem, 0) AS DOUBLE) AS returns_with_problem,
       CAST(coalesce(m.amount, 0) AS DOUBLE) AS remittances_idr,
       CAST(coalesce(m.transactions, 0) AS DOUBLE) AS remittance_transactions,
       {indicator_columns}
FROM reports r
LEFT JOIN placed p ON p.village_code = r.village_code AND p.period = r.period
LEFT JOIN returned t ON t.village_code = r.village_code AND t.period = r.period
LEFT JOIN remitted m ON m.village_code = r.village_code AND m.period = r.period
LEFT JOIN valued x ON x.village_code = r.village_code AND x.period = r.period
