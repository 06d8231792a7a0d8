-- A new current version of a named survey.
INSERT INTO surveys (survey_id, name, version, is_current, is_demo, file_name, file_sha256, uploaded_by, uploaded_at,
                     respondents, data_version)
VALUES ($id, $name, $version, true, $demo, $file_name, $sha, $user, $at, $respondents, $stamp)
