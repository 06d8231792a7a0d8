-- Whether the data_versions table exists (a warehouse opened read-only may predate it): present.
SELECT count(*) > 0 AS present FROM information_schema.tables
WHERE table_name = 'data_versions' AND table_schema = current_schema()
