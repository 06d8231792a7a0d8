-- One indicator's programme maturity curve: per joining-year cohort and month since joining (January of
-- the joining year = month 0), the mean of the villages that reported it and how many villages that is.
SELECT v.joined_year,
       CAST(date_diff('month', make_date(v.joined_year, 1, 1), iv.period) AS INTEGER) AS months_since,
       count(*) AS villages,
       avg(iv.value) AS mean_value
FROM indicator_values iv
JOIN villages v USING (village_code)
WHERE iv.indicator_code = $code
  AND iv.value IS NOT NULL
  AND starts_with(v.village_code, $area)
  AND iv.period >= make_date(v.joined_year, 1, 1)
GROUP BY v.joined_year, months_since
ORDER BY joined_year, months_since
