-- The indicator values one submission reported: indicator_code, value (NULL = not reported).
SELECT indicator_code, value
FROM submission_values
WHERE submission_id = $id
