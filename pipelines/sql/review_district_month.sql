-- The joined villages of a district for one month with their current report: village_code, village_name, subdistrict, reported, officer, reported_on, version.
SELECT v.village_code, v.village_name, v.subdistrict, s.submission_id IS NOT NULL AS reported,
       s.officer, s.reported_on, s.version
FROM villages v
LEFT JOIN current_submissions s ON s.village_code = v.village_code AND s.period = CAST($period AS DATE)
WHERE v.district_code = $district AND v.joined_year <= year(CAST($period AS DATE))
ORDER BY v.village_code
