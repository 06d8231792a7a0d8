-- PostgreSQL: the bytes of the original workbook with checksum $sha.
SELECT content FROM original_files WHERE file_sha256 = $sha
