-- PostgreSQL: keep the staged original workbooks' bytes (identical bytes are kept once).
INSERT INTO original_files (file_sha256, content) SELECT file_sha256, content FROM staged_original_files
ON CONFLICT DO NOTHING
