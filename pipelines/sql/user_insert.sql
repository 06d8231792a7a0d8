-- Adds one account (active, no failed sign-ins) with its argon2 password hash.
INSERT INTO users (username, full_name, role, districts, password_hash, active, is_demo, failed_logins,
                   locked_until, created_at, password_changed_at)
VALUES ($username, $full_name, $role, CAST($districts AS VARCHAR[]), $password_hash, true, $is_demo, 0, NULL,
        $at, $at)
