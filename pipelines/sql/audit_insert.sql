-- Appends one audit entry (who, what, details) at the given time.
INSERT INTO audit_log (logged_at, username, event, detail) VALUES ($logged_at, $username, $event, $detail)
