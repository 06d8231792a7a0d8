-- Tickets past their minute: never redeemable, so gone.
DELETE FROM signin_tickets WHERE expires_at < $now
