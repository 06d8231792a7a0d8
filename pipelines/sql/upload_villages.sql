-- The villages a user may upload for ($all, else those of $districts), for the template picker: village_code, village_name, subdistrict, district_code, district.
SELECT village_code, village_name, subdistrict, district_code, district
FROM villages
WHERE $all OR list_contains(CAST($districts AS VARCHAR[]), district_code)
ORDER BY village_code
