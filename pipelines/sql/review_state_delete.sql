-- Drops the review state of one district-month, so it reads as 'diterima' again (after an unlock).
DELETE FROM review_states WHERE district_code = $district AND period = CAST($period AS DATE)
