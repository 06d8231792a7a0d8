-- The submission_values rows of every submission made by data version $version.
SELECT x.* FROM submission_values x JOIN submissions s ON s.submission_id = x.submission_id
WHERE coalesce(s.data_version, 0) <= $version
