SELECT area_code, year, joined_year, value
FROM external_series WHERE series = $series AND value IS NOT NULL
ORDER BY area_code, year
