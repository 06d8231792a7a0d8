-- Clears the failure count and any expired lock after a successful sign-in.
UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = $username
