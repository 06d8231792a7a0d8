-- Whether the warehouse has the target table (a read-only warehouse made before targets existed has not).
SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'target_values' AND database_name = current_database()
