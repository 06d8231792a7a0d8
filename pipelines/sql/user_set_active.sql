-- Enables or disables an account.
UPDATE users SET active = $active WHERE username = $username
