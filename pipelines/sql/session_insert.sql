-- Starts one sign-in session (the id's hash only).
INSERT INTO sessions (token_sha256, username, created_at, expires_at) VALUES ($token, $username, $at, $until)
