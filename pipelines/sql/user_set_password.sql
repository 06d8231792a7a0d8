-- Replaces an account's password hash and lifts any lockout.
UPDATE users SET password_hash = $password_hash, password_changed_at = $at, failed_logins = 0, locked_until = NULL
WHERE username = $username
