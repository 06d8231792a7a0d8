-- The audit trail, newest first, optionally only one event and/or one username, at most $limit rows.
SELECT logged_at, username, event, detail
FROM audit_log
WHERE ($event IS NULL OR event = $event) AND ($username IS NULL OR username = $username)
ORDER BY logged_at DESC, rowid DESC
LIMIT $limit
