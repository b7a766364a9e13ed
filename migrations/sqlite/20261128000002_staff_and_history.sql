-- The staff side: accounts, sessions, login throttling, verification, area types and a full
-- history of every change to a point.

-- Which provincial standard applies to a point: urban (walking 1.2 km), rural (cycling
-- 2.0 km) or mountain (driving 3.0 km). Communities start as urban and villages as rural; staff
-- correct them (mountain villages in particular).
ALTER TABLE points ADD COLUMN area_type TEXT NOT NULL DEFAULT 'rural'
    CHECK (area_type IN ('urban', 'rural', 'mountain'));
UPDATE points SET area_type = 'urban' WHERE kind = 'community';

-- Who confirmed the location on the ground or on a map, and when (RFC 3339 UTC); NULL while
-- unverified. Moving the point clears it.
ALTER TABLE points ADD COLUMN verified_by TEXT;
ALTER TABLE points ADD COLUMN verified_at TEXT;

CREATE TABLE staff_users (
    id INTEGER PRIMARY KEY,
    -- Login name; compared case-sensitively.
    username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 32),
    -- Argon2id in PHC string format (salt and parameters included).
    password_hash TEXT NOT NULL,
    -- editor: edits points; admin: also manages accounts.
    role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    -- A disabled account cannot log in and its sessions stop working at once.
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE TABLE staff_sessions (
    -- SHA-256 (hex) of the session cookie's random token: a leaked database does not leak
    -- usable sessions.
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    -- Sent in every form of the session and checked on every state-changing request.
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- Unix seconds of the last request; the idle timeout counts from here.
    last_seen_unix INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

-- Failed logins, for throttling per account and per client address.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at_unix INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_username ON login_failures (username, at_unix);
CREATE INDEX login_failures_address ON login_failures (address, at_unix);

-- One row per change to a point, written in the same transaction as the change.
CREATE TABLE point_history (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    -- The point's version after the change.
    version INTEGER NOT NULL,
    -- add, edit, verify, retire, restore, import.
    action TEXT NOT NULL CHECK (action IN ('add', 'edit', 'verify', 'retire', 'restore', 'import')),
    -- The staff member's username, or what did it ("import: FILE", "first start").
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    reason TEXT,
    -- The point's fields before (NULL when added) and after, as JSON objects.
    old_values TEXT,
    new_values TEXT NOT NULL
) STRICT;
CREATE INDEX point_history_code ON point_history (code, id);
