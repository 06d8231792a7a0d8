-- Villages per joining year in an area.
SELECT joined_year, count(*) AS villages
FROM villages WHERE starts_with(village_code, $area)
GROUP BY joined_year ORDER BY joined_year
