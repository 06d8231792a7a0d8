-- Before a re-import's rows go in: the rows of the series it replaces are kept in external_series_replaced,
-- marked with the data version that replaced them (pipelines.snapshot reads a series as of a version).
INSERT INTO external_series_replaced (series, area_code, year, joined_year, value, data_version, retired_version)
SELECT series, area_code, year, joined_year, value, data_version, $version
FROM external_series WHERE series IN (SELECT DISTINCT series FROM staged_series)
