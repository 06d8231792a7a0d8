-- The respondents of every survey version loaded by data version $version.
SELECT r.* FROM survey_responses r JOIN surveys s ON s.survey_id = r.survey_id WHERE coalesce(s.data_version, 0) <= $version
