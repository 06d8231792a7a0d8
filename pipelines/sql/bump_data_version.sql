-- Count loads so readers can cache per data version.
INSERT INTO warehouse_info (key, value)
SELECT 'data_version', CAST(coalesce(max(TRY_CAST(value AS BIGINT)), 0) + 1 AS VARCHAR)
FROM warehouse_info WHERE key = 'data_version'
ON CONFLICT (key) DO UPDATE SET value = excluded.value
