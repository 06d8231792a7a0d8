-- The username of a live session (not revoked, not expired), if any.
SELECT username FROM sessions WHERE token_sha256 = $token AND revoked_at IS NULL AND expires_at > $at
