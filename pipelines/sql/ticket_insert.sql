-- A new one-time sign-in ticket; expired ones are cleared by ticket_expire.sql.
INSERT INTO signin_tickets (ticket_sha256, sealed, max_age, expires_at) VALUES ($ticket, $sealed, $max_age, $until)
