-- The external series as data version $version left them: rows imported by then, and not yet replaced by then.
SELECT series, area_code, year, joined_year, value, data_version
FROM external_series WHERE coalesce(data_version, 0) <= $version
UNION ALL
SELECT series, area_code, year, joined_year, value, data_version
FROM external_series_replaced WHERE coalesce(data_version, 0) <= $version AND retired_version > $version
