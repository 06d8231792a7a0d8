-- Every submission made by data version $version (0 = before version history, always included); is_current is
-- recomputed for the snapshot by pipelines.snapshot.
SELECT * FROM submissions WHERE coalesce(data_version, 0) <= $version
