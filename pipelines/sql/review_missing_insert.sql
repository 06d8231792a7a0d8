-- Records why one village of a submitted district-month has no report.
INSERT INTO review_missing (district_code, period, village_code, reason)
VALUES ($district, CAST($period AS DATE), $village, $reason)
