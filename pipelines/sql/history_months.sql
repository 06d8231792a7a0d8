-- The months with at least one upload in scope ($all or $districts), optionally one district or village, newest first: period.
SELECT DISTINCT s.period
FROM submissions s
JOIN villages v USING (village_code)
WHERE ($all OR list_contains(CAST($districts AS VARCHAR[]), v.district_code))
  AND ($district = '' OR v.district_code = $district)
  AND ($village = '' OR s.village_code = $village)
ORDER BY s.period DESC
