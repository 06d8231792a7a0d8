-- Insert or update the registry from the staged frame `staged_villages` (same columns as villages).
INSERT OR REPLACE INTO villages
SELECT village_code, village_name, subdistrict_code, subdistrict, district_code, district,
       province_code, province, joined_year, lat, lon, coords_exact
FROM staged_villages
