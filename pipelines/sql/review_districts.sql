-- Every district of the registry: district_code, district, province_code, province, villages.
SELECT district_code, any_value(district) AS district, any_value(province_code) AS province_code,
       any_value(province) AS province, count(*) AS villages
FROM villages
GROUP BY district_code
ORDER BY district_code
