-- Every village-month of an area and month range that was expected (the village had joined) or reported: the village's units, its state in the reporting calendar, whether it counts, the data-sheet flows and every indicator (flows and indicators NULL when it does not count; flows 0 when it reported no rows; indicators NULL when not reported).
-- Reads the pre-computed village_month_facts (kept by the write path, pipelines/metrics/rollup.py).
-- state: tepat_waktu | terlambat | belum_jatuh_tempo | tidak_melapor, or tidak_diharapkan for a
-- month before the village joined. Timeliness is judged on the FIRST version's date (tanggal_lapor,
-- else the upload date): a later correction never turns a late report into an on-time one.
-- counts: reported and, with $approved_only, its district-month approved (review_states).
WITH months AS (
    SELECT CAST(m AS DATE) AS period
    FROM generate_series(CAST($start AS DATE), CAST($end AS DATE), INTERVAL 1 MONTH) AS months(m)
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
facts AS (
    SELECT f.*
    FROM village_month_facts f
    WHERE f.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
      AND ($area = '' OR f.village_code = $area OR starts_with(f.village_code, $area || '.'))
),
approved AS (
    SELECT district_code, period FROM review_states WHERE state = 'disetujui'
),
states AS (
    SELECT g.*,
           coalesce(f.reported, false) AS reported,
           f.report_date,
           CASE
               WHEN NOT g.expected THEN 'tidak_diharapkan'
               WHEN coalesce(f.reported, false) AND f.report_date <= g.deadline THEN 'tepat_waktu'
               WHEN coalesce(f.reported, false) THEN 'terlambat'
               WHEN CAST($today AS DATE) <= g.deadline THEN 'belum_jatuh_tempo'
               ELSE 'tidak_melapor'
           END AS state,
           coalesce(f.reported, false) AND (NOT $approved_only OR a.district_code IS NOT NULL) AS counts,
           f.* EXCLUDE (village_code, period, reported, report_date)
    FROM grid g
    LEFT JOIN facts f ON f.village_code = g.village_code AND f.period = g.period
    LEFT JOIN approved a ON a.district_code = g.district_code AND a.period = g.period
)
SELECT *
FROM states
WHERE expected OR reported
ORDER BY village_code, period
