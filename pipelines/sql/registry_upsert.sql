-- Insert or update the registry from the staged frame `staged_villages` (same columns as villages).
INSERT INTO villages
SELECT village_code, village_name, subdistrict_code, subdistrict, district_code, district,
       province_code, province, joined_year, lat, lon, coords_exact
FROM staged_villages
ON CONFLICT (village_code) DO UPDATE SET village_name = excluded.village_name,
    subdistrict_code = excluded.subdistrict_code, subdistrict = excluded.subdistrict,
    district_code = excluded.district_code, district = excluded.district, province_code = excluded.province_code,
    province = excluded.province, joined_year = excluded.joined_year, lat = excluded.lat, lon = excluded.lon,
    coords_exact = excluded.coords_exact
