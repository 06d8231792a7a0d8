-- The data versions recorded by data version $version.
SELECT * FROM data_versions WHERE version <= $version
