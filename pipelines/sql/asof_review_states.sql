-- The review state of every district-month as of data version $version (no row = diterima): where no review
-- action came after $version, the state stored now (also one set before version history); else the state
-- after its last action by $version, none = diterima.
WITH later AS (
    SELECT DISTINCT district_code, period FROM review_events WHERE coalesce(data_version, 0) > $version
),
kept AS (
    SELECT r.district_code, r.period, r.state, r.changed_by, r.changed_at, r.reason
    FROM review_states r
    WHERE NOT EXISTS (SELECT 1 FROM later l WHERE l.district_code = r.district_code AND l.period = r.period)
),
replayed AS (
    SELECT e.district_code, e.period, e.state, e.username AS changed_by, e.acted_at AS changed_at,
           e.reason,
           row_number() OVER (PARTITION BY e.district_code, e.period
                              ORDER BY coalesce(e.data_version, 0) DESC, e.acted_at DESC) AS newest
    FROM review_events e
    JOIN later l ON l.district_code = e.district_code AND l.period = e.period
    WHERE coalesce(e.data_version, 0) <= $version
)
SELECT district_code, period, state, changed_by, changed_at, reason FROM kept
UNION ALL
SELECT district_code, period, state, changed_by, changed_at, reason FROM replayed
WHERE newest = 1 AND state <> 'diterima'
