-- Creates a server secret once (an existing one is kept).
INSERT INTO app_secrets (name, value) VALUES ($key, $value) ON CONFLICT DO NOTHING
