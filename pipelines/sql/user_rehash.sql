-- Stores a fresh hash of the same password (after the hashing parameters changed).
UPDATE users SET password_hash = $password_hash WHERE username = $username
