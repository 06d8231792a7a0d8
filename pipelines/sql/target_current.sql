-- The current target of each area x figure x year x period: the newest load that set it.
SELECT area_code, indicator_code, year, period, target, load_id
FROM target_values
WHERE ($area IS NULL OR area_code = $area) AND ($year IS NULL OR year = $year)
QUALIFY row_number() OVER (PARTITION BY area_code, indicator_code, year, period ORDER BY load_id DESC) = 1
ORDER BY area_code, indicator_code, year, period
