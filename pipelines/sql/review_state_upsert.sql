-- Sets the review state of one district-month.
INSERT OR REPLACE INTO review_states (district_code, period, state, changed_by, changed_at, reason)
VALUES ($district, CAST($period AS DATE), $state, $changed_by, $changed_at, $reason)
