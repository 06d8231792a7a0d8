SELECT survey_id, name, version, is_demo, file_name, uploaded_at, respondents
FROM surveys WHERE is_current ORDER BY is_demo, uploaded_at DESC, name
