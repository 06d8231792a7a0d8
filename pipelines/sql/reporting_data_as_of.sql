-- When the newest report was uploaded (NULL when the warehouse holds none): last_upload.
SELECT max(uploaded_at) AS last_upload FROM submissions
