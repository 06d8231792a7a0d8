-- The registry facts of one village ($village): code, name, sub-district, district, province (codes and names), joined_year, lat, lon, coords_exact.
SELECT village_code, village_name, subdistrict_code, subdistrict, district_code, district,
       province_code, province, joined_year, lat, lon, coords_exact
FROM villages
WHERE village_code = $village
