-- Sets the review state of one district-month.
INSERT INTO review_states (district_code, period, state, changed_by, changed_at, reason)
VALUES ($district, CAST($period AS DATE), $state, $changed_by, $changed_at, $reason)
ON CONFLICT (district_code, period) DO UPDATE SET state = excluded.state, changed_by = excluded.changed_by,
    changed_at = excluded.changed_at, reason = excluded.reason
