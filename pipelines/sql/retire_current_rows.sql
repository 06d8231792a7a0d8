-- Remove the current-version rows of the village-months in staged_submissions, before the batch's own
-- go in (run inside the load transaction; skipped when the batch holds first versions only).
DELETE FROM indicator_values WHERE (village_code, period) IN (SELECT village_code, period FROM staged_submissions);
DELETE FROM placements WHERE (village_code, period) IN (SELECT village_code, period FROM staged_submissions);
DELETE FROM returns WHERE (village_code, period) IN (SELECT village_code, period FROM staged_submissions);
DELETE FROM remittances WHERE (village_code, period) IN (SELECT village_code, period FROM staged_submissions);
