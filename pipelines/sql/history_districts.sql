-- The districts a user may see the upload history of ($all, else those in $districts): district_code, district, villages.
SELECT district_code, any_value(district) AS district, CAST(count(*) AS INTEGER) AS villages
FROM villages
WHERE $all OR list_contains(CAST($districts AS VARCHAR[]), district_code)
GROUP BY district_code
ORDER BY district_code
