-- Creates a server secret once (an existing one is kept).
INSERT OR IGNORE INTO app_secrets (name, value) VALUES ($key, $value)
