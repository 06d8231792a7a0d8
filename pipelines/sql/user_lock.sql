-- Locks an account until the given time and starts counting failures afresh.
UPDATE users SET failed_logins = 0, locked_until = $until WHERE username = $username
