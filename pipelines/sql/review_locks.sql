-- For district-months given as parallel lists: district_code, district (name), period, state, changed_by, changed_at, unlocked (an unlock was ever recorded).
WITH wanted AS (
    SELECT DISTINCT unnest($districts::VARCHAR[]) AS district_code, unnest($periods::DATE[]) AS period
)
SELECT w.district_code, coalesce(d.district, w.district_code) AS district, w.period, r.state, r.changed_by, r.changed_at,
       EXISTS (SELECT 1 FROM review_events e
               WHERE e.district_code = w.district_code AND e.period = w.period AND e.action = 'unlock') AS unlocked
FROM wanted w
LEFT JOIN review_states r ON r.district_code = w.district_code AND r.period = w.period
LEFT JOIN (SELECT DISTINCT district_code, district FROM villages) d ON d.district_code = w.district_code
