-- Every review action taken by data version $version, oldest first.
SELECT * FROM review_events WHERE coalesce(data_version, 0) <= $version ORDER BY coalesce(data_version, 0), acted_at
