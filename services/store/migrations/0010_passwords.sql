-- Passwords for signing in (Login). Only an Argon2id hash is kept, in
-- libsodium's self-describing form; NULL: the user cannot sign in with a
-- password (tokens still work). failed_logins counts wrong passwords in a
-- row and login_blocked_until is when the next one may be checked
-- (core/login.h: the slowdown); a right password resets both.
ALTER TABLE users
  ADD COLUMN password_hash text
    CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
  ADD COLUMN password_set_at timestamptz,
  ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
  ADD COLUMN login_blocked_until timestamptz;
