-- Returns over an area and month range, summed over villages: period, country_iso2, sex, count, with_problem.
SELECT r.period, r.country_iso2, r.sex,
       CAST(sum(r.count) AS BIGINT) AS count,
       CAST(sum(r.with_problem) AS BIGINT) AS with_problem
FROM returns r
JOIN villages v USING (village_code)
WHERE ($area = '' OR v.village_code = $area OR starts_with(v.village_code, $area || '.'))
  AND r.period BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY r.period, r.country_iso2, r.sex
ORDER BY r.period, r.country_iso2, r.sex
