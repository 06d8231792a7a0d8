-- The password hash of every active account, with its demo flag (for the start-up safety check).
SELECT username, password_hash, is_demo FROM users WHERE active ORDER BY username
