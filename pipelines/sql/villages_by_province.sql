-- Registry villages per province and joining year: province_code, province, joined_year, villages.
SELECT province_code, province, joined_year, count(*) AS villages
FROM villages
GROUP BY province_code, province, joined_year
ORDER BY province_code, joined_year
