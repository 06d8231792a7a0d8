-- Changes an account's role and districts.
UPDATE users SET role = $role, districts = CAST($districts AS VARCHAR[]) WHERE username = $username
