-- Per joined village of an area, its newest current report up to $as_of: village_code, village_name, subdistrict, district_code, district, last_period, officer, reported_on.
SELECT v.village_code, v.village_name, v.subdistrict, v.district_code, v.district,
       s.period AS last_period, s.officer, coalesce(s.reported_on, CAST(s.uploaded_at AS DATE)) AS reported_on
FROM villages v
LEFT JOIN (
    SELECT * FROM current_submissions WHERE period <= CAST($as_of AS DATE)
    QUALIFY row_number() OVER (PARTITION BY village_code ORDER BY period DESC) = 1
) s USING (village_code)
WHERE ($area = '' OR v.village_code = $area OR starts_with(v.village_code, $area || '.'))
  AND v.joined_year <= year(CAST($as_of AS DATE))
ORDER BY v.village_code
