-- For a name without an account: when it was last locked and its failed sign-ins since then.
WITH last_lock AS (
    SELECT max(logged_at) AS locked_at FROM audit_log WHERE username = $username AND event = 'locked'
)
SELECT
    (SELECT locked_at FROM last_lock) AS locked_at,
    (SELECT count(*) FROM audit_log
      WHERE username = $username AND event = 'login_failed' AND detail = $detail
        AND logged_at > coalesce((SELECT locked_at FROM last_lock), TIMESTAMP '1900-01-01')) AS failures
