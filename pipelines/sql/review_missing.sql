-- The villages listed as missing in a district-month's submission: village_code, village_name, reason.
SELECT m.village_code, v.village_name, m.reason
FROM review_missing m
LEFT JOIN villages v USING (village_code)
WHERE m.district_code = $district AND m.period = CAST($period AS DATE)
ORDER BY m.village_code
