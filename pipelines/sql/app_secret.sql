-- One server secret by name.
SELECT value FROM app_secrets WHERE name = $key
