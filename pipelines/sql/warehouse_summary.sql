-- One row describing the warehouse contents: registry size, submissions, months covered, last upload.
SELECT
    (SELECT count(*) FROM villages)                              AS villages,
    (SELECT count(DISTINCT district_code) FROM villages)         AS districts,
    (SELECT count(DISTINCT province_code) FROM villages)         AS provinces,
    (SELECT count(*) FROM submissions)                           AS submissions_all_versions,
    (SELECT count(*) FROM submissions WHERE is_current)          AS village_months,
    (SELECT count(*) FROM submissions WHERE version > 1)         AS resubmissions,
    (SELECT min(period) FROM submissions)                        AS first_period,
    (SELECT max(period) FROM submissions)                        AS last_period,
    (SELECT max(uploaded_at) FROM submissions)                   AS last_upload
