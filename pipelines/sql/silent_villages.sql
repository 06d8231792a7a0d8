-- Villages of an area, joined by $as_of, without a current submission for at least $min_months months up to $as_of: village_code, village_name, district, last_period, months_silent.
WITH area_villages AS (
    SELECT village_code, village_name, district, joined_year
    FROM villages
    WHERE ($area = '' OR village_code = $area OR starts_with(village_code, $area || '.'))
      AND joined_year <= year(CAST($as_of AS DATE))
),
last_reports AS (
    SELECT village_code, max(period) AS last_period
    FROM current_submissions
    WHERE period <= CAST($as_of AS DATE)
    GROUP BY village_code
),
silence AS (
    -- a village that never reported has been silent since January of the year it joined
    SELECT a.village_code, a.village_name, a.district, l.last_period,
           CAST(datediff('month',
                         coalesce(l.last_period, CAST(make_date(a.joined_year, 1, 1) - INTERVAL 1 MONTH AS DATE)),
                         CAST($as_of AS DATE)) AS INTEGER) AS months_silent
    FROM area_villages a
    LEFT JOIN last_reports l USING (village_code)
)
SELECT village_code, village_name, district, last_period, months_silent
FROM silence
WHERE months_silent >= $min_months
ORDER BY months_silent DESC, village_code
