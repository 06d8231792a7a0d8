-- One account with its password hash and lockout state, for signing in (never shown to anyone).
SELECT username, full_name, role, districts, password_hash, active, is_demo, failed_logins, locked_until
FROM users
WHERE username = $username
