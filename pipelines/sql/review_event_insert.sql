-- Appends one review action to the history of a district-month, with the data version of its write.
INSERT INTO review_events (district_code, period, action, state, username, acted_at, reason, detail, data_version)
VALUES ($district, CAST($period AS DATE), $action, $state, $username, $at, $reason, $detail, $version)
