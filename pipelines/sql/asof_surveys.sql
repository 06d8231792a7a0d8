-- Every survey version loaded by data version $version (is_current recomputed by pipelines.snapshot).
SELECT * FROM surveys WHERE coalesce(data_version, 0) <= $version
