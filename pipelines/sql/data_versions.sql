-- Every recorded data version, newest first: version, made_at (WIB), made_by, what.
SELECT version, made_at, made_by, what FROM data_versions ORDER BY version DESC
