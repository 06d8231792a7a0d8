-- Refill the current-version tables from the versioned rows (migration, repair, hand-made fixtures).
DELETE FROM indicator_values;
DELETE FROM placements;
DELETE FROM returns;
DELETE FROM remittances;
INSERT INTO indicator_values
    SELECT s.village_code, s.period, v.indicator_code, v.value
    FROM submission_values v JOIN submissions s USING (submission_id) WHERE s.is_current;
INSERT INTO placements
    SELECT s.village_code, s.period, p.country_iso2, p.sector, p.sex, p.count
    FROM submission_placements p JOIN submissions s USING (submission_id) WHERE s.is_current;
INSERT INTO returns
    SELECT s.village_code, s.period, r.country_iso2, r.sex, r.count, r.with_problem
    FROM submission_returns r JOIN submissions s USING (submission_id) WHERE s.is_current;
INSERT INTO remittances
    SELECT s.village_code, s.period, m.country_iso2, m.channel, m.transactions, m.amount_idr
    FROM submission_remittances m JOIN submissions s USING (submission_id) WHERE s.is_current;
