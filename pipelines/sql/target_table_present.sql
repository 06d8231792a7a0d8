-- Whether the warehouse has the target table (a read-only warehouse made before targets existed has not).
SELECT count(*) > 0 FROM information_schema.tables
WHERE table_name = 'target_values' AND table_schema = current_schema()
