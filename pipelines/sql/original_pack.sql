-- The pack file holding the original workbook with checksum $sha.
SELECT pack FROM originals WHERE file_sha256 = $sha
