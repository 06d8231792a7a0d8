-- Every village-month of an area and month range that was expected (the village had joined) or reported: the village's units, its state in the reporting calendar, whether it counts, and the data-sheet flows (NULL when it does not count; 0 when it reported no rows).
-- state: tepat_waktu | terlambat | belum_jatuh_tempo | tidak_melapor, or tidak_diharapkan for a
-- month before the village joined. Timeliness is judged on the FIRST version's date (tanggal_lapor,
-- else the upload date): a later correction never turns a late report into an on-time one.
-- counts: reported and, with $approved_only, its district-month approved (review_states).
WITH months AS (
    SELECT CAST(range AS DATE) AS period
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)
),
area_villages AS (
    SELECT village_code, village_name, subdistrict_code, subdistrict, district_code, district,
           province_code, province, joined_year
    FROM villages
    WHERE $area = '' OR village_code = $area OR starts_with(village_code, $area || '.')
),
grid AS (
    SELECT a.*, m.period, a.joined_year <= year(m.period) AS expected,
           -- day N of the next month, capped at its last day (a deadline of 31 in February)
           least(CAST(m.period + INTERVAL 1 MONTH AS DATE) + (CAST($deadline_day AS INTEGER) - 1),
                 last_day(CAST(m.period + INTERVAL 1 MONTH AS DATE))) AS deadline
    FROM area_villages a
    CROSS JOIN months m
),
reports AS (
    SELECT village_code, period,
           bool_or(is_current) AS reported,
           arg_min(coalesce(reported_on, CAST(uploaded_at AS DATE)), version) AS report_date
    FROM submissions
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code, period
),
placed AS (
    SELECT village_code, period, sum(count) AS n, sum(CASE WHEN sex = 'P' THEN count ELSE 0 END) AS women
    FROM placements
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code, period
),
returned AS (
    SELECT village_code, period, sum(count) AS n, sum(with_problem) AS with_problem
    FROM returns
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code, period
),
remitted AS (
    SELECT village_code, period, sum(amount_idr) AS amount, sum(transactions) AS transactions
    FROM remittances
    WHERE period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY village_code, period
),
states AS (
    SELECT g.*,
           coalesce(r.reported, false) AS reported,
           r.report_date,
           CASE
               WHEN NOT g.expected THEN 'tidak_diharapkan'
               WHEN coalesce(r.reported, false) AND r.report_date <= g.deadline THEN 'tepat_waktu'
               WHEN coalesce(r.reported, false) THEN 'terlambat'
               WHEN CAST($today AS DATE) <= g.deadline THEN 'belum_jatuh_tempo'
               ELSE 'tidak_melapor'
           END AS state,
           coalesce(r.reported, false) AND (NOT $approved_only OR EXISTS (
               SELECT 1 FROM review_states rs
               WHERE rs.district_code = g.district_code AND rs.period = g.period AND rs.state = 'disetujui'
           )) AS counts
    FROM grid g
    LEFT JOIN reports r USING (village_code, period)
)
SELECT s.village_code, s.village_name, s.subdistrict_code, s.subdistrict, s.district_code, s.district,
       s.province_code, s.province, s.joined_year, s.period, s.expected, s.deadline, s.reported,
       s.report_date, s.state, s.counts,
       CAST(CASE WHEN s.counts THEN coalesce(p.n, 0) END AS DOUBLE) AS placements,
       CAST(CASE WHEN s.counts THEN coalesce(p.women, 0) END AS DOUBLE) AS placements_women,
       CAST(CASE WHEN s.counts THEN coalesce(t.n, 0) END AS DOUBLE) AS returns,
       CAST(CASE WHEN s.counts THEN coalesce(t.with_problem, 0) END AS DOUBLE) AS returns_with_problem,
       CAST(CASE WHEN s.counts THEN coalesce(m.amount, 0) END AS DOUBLE) AS remittances_idr,
       CAST(CASE WHEN s.counts THEN coalesce(m.transactions, 0) END AS DOUBLE) AS remittance_transactions
FROM states s
LEFT JOIN placed p USING (village_code, period)
LEFT JOIN returned t USING (village_code, period)
LEFT JOIN remitted m USING (village_code, period)
WHERE s.expected OR s.reported
ORDER BY s.village_code, s.period
