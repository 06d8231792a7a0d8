-- Forgets the missing-village reasons of one district-month (before a new submission lists them).
DELETE FROM review_missing WHERE district_code = $district AND period = CAST($period AS DATE)
