-- The review state row of one district-month (none = 'diterima'): state, changed_by, changed_at, reason.
SELECT state, changed_by, changed_at, reason
FROM review_states
WHERE district_code = $district AND period = CAST($period AS DATE)
