-- Where the version history starts (run by the migration when data_versions is empty): the data version the
-- warehouse has now, so every version from here on can be rebuilt; rows made before carry data_version 0.
INSERT INTO data_versions (version, made_at, made_by, what)
SELECT coalesce(max(TRY_CAST(value AS BIGINT)), 0), $at, 'sistem', 'awal'
FROM warehouse_info WHERE key = 'data_version'
HAVING NOT EXISTS (SELECT 1 FROM data_versions)
