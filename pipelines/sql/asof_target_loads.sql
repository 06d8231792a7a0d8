-- Every target load made by data version $version.
SELECT * FROM target_loads WHERE coalesce(data_version, 0) <= $version
