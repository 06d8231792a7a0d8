-- Appends one review action to the history of a district-month.
INSERT INTO review_events (district_code, period, action, state, username, acted_at, reason, detail)
VALUES ($district, CAST($period AS DATE), $action, $state, $username, $at, $reason, $detail)
