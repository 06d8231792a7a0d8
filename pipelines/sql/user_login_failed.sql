-- Counts one more failed sign-in and returns the count.
UPDATE users SET failed_logins = failed_logins + 1 WHERE username = $username RETURNING failed_logins
