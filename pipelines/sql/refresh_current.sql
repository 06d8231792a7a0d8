-- Add the current-version rows of the staged batch (run inside the load transaction, after retire_current_rows).
INSERT INTO indicator_values
    SELECT s.village_code, s.period, v.indicator_code, v.value
    FROM staged_values v JOIN staged_submissions s USING (submission_id) WHERE s.is_current;
INSERT INTO placements
    SELECT s.village_code, s.period, p.country_iso2, p.sector, p.sex, p.count
    FROM staged_placements p JOIN staged_submissions s USING (submission_id) WHERE s.is_current;
INSERT INTO returns
    SELECT s.village_code, s.period, r.country_iso2, r.sex, r.count, r.with_problem
    FROM staged_returns r JOIN staged_submissions s USING (submission_id) WHERE s.is_current;
INSERT INTO remittances
    SELECT s.village_code, s.period, m.country_iso2, m.channel, m.transactions, m.amount_idr
    FROM staged_remittances m JOIN staged_submissions s USING (submission_id) WHERE s.is_current;
