-- Every account without its password hash: role, districts, active, demo, lockout and dates.
SELECT username, full_name, role, districts, active, is_demo, failed_logins, locked_until, created_at,
       password_changed_at
FROM users
ORDER BY username
