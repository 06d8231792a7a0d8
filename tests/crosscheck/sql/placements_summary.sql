-- Placements over an area and month range, summed over villages: period, country_iso2, sector, sex, count.
SELECT p.period, p.country_iso2, p.sector, p.sex, CAST(sum(p.count) AS BIGINT) AS count
FROM placements p
JOIN villages v USING (village_code)
WHERE ($area = '' OR v.village_code = $area OR starts_with(v.village_code, $area || '.'))
  AND p.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY p.period, p.country_iso2, p.sector, p.sex
ORDER BY p.period, p.country_iso2, p.sector, p.sex
