-- First and last month with any current submission (NULLs when the warehouse is empty).
SELECT min(period) AS first_period, max(period) AS last_period FROM submissions WHERE is_current
