-- The username of a live session (not revoked, not expired) and when it expires, if any.
SELECT username, expires_at FROM sessions WHERE token_sha256 = $token AND revoked_at IS NULL AND expires_at > $at
