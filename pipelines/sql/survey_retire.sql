UPDATE surveys SET is_current = false WHERE name = $survey AND is_current
