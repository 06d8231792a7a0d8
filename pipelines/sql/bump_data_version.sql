-- The next data version, returned (readers cache per data version; pipelines.versions records and stamps it).
-- The new value is computed from the row as locked, never from the statement's snapshot: on PostgreSQL two
-- writers then never take the same number, and the row lock held to commit keeps versions in commit order.
INSERT INTO warehouse_info (key, value) VALUES ('data_version', '1')
ON CONFLICT (key) DO UPDATE SET value = CAST(coalesce(TRY_CAST(warehouse_info.value AS BIGINT), 0) + 1 AS VARCHAR)
RETURNING CAST(value AS BIGINT) AS version
