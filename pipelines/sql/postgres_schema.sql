-- PostgreSQL only, after schema.sql: what a store shared by many processes adds.
-- One version number per village-month whatever process writes: the engine refuses a repeat.
CREATE UNIQUE INDEX IF NOT EXISTS submissions_village_period_version ON submissions (village_code, period, version);
-- The original workbooks themselves (on DuckDB they are zip packs under files/ beside the warehouse file).
CREATE TABLE IF NOT EXISTS original_files (
    file_sha256 TEXT PRIMARY KEY,
    content     BYTEA NOT NULL
);
