-- Redeem a ticket once: the row goes whether or not it is still valid (the caller checks expires_at).
DELETE FROM signin_tickets WHERE ticket_sha256 = $ticket RETURNING sealed, max_age, expires_at
