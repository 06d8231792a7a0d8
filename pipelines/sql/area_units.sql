-- Every area unit of the registry with its level, parent and name: province, district, subdistrict, village.
SELECT DISTINCT 'province' AS level, province_code AS code, '' AS parent, province AS name FROM villages
UNION ALL
SELECT DISTINCT 'district', district_code, province_code, district FROM villages
UNION ALL
SELECT DISTINCT 'subdistrict', subdistrict_code, district_code, subdistrict FROM villages
UNION ALL
SELECT 'village', village_code, subdistrict_code, village_name FROM villages
ORDER BY code
