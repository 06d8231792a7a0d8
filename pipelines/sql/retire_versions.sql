-- Mark earlier versions not current where the staged batch brings a newer version of the same village-month.
UPDATE submissions SET is_current = false
WHERE is_current
  AND (village_code, period) IN (SELECT village_code, period FROM staged_submissions)
