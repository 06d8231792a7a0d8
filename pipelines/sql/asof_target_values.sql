-- The targets of every load made by data version $version.
SELECT v.* FROM target_values v JOIN target_loads l ON l.load_id = v.load_id WHERE coalesce(l.data_version, 0) <= $version
