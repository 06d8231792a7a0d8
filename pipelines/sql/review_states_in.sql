-- Review rows of the districts of an area over a month range: district_code, district, province_code, period, state, changed_by, changed_at, reason.
SELECT r.district_code, d.district, d.province_code, r.period, r.state, r.changed_by, r.changed_at, r.reason
FROM review_states r
JOIN (SELECT DISTINCT district_code, district, province_code FROM villages) d USING (district_code)
WHERE ($area = '' OR r.district_code = $area OR starts_with(r.district_code, $area || '.')
       OR starts_with($area, r.district_code || '.'))
  AND r.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
ORDER BY r.district_code, r.period
