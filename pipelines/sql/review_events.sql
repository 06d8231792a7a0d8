-- Every review action on one district-month, oldest first: action, state, username, acted_at, reason, detail.
SELECT action, state, username, acted_at, reason, detail
FROM review_events
WHERE district_code = $district AND period = CAST($period AS DATE)
ORDER BY acted_at, rowid
