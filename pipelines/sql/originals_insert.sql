-- Index the staged batch's original workbooks by checksum (a checksum already kept keeps its pack).
INSERT INTO originals (file_sha256, pack) SELECT file_sha256, pack FROM staged_originals ON CONFLICT DO NOTHING
