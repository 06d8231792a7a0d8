-- Ends every live session of one user (sign-out everywhere, account disabled, password reset).
UPDATE sessions SET revoked_at = $at WHERE username = $username AND revoked_at IS NULL
