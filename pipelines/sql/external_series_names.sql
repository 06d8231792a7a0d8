SELECT series, count(DISTINCT area_code) AS areas, min(year) AS first_year, max(year) AS last_year,
       count(DISTINCT area_code) FILTER (WHERE joined_year IS NULL) AS never_joined
FROM external_series GROUP BY series ORDER BY series
