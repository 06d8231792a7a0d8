SELECT survey_id, name, version, is_current, is_demo, file_name, uploaded_by, uploaded_at, respondents
FROM surveys ORDER BY name, version
