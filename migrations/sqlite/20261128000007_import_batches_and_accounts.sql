-- Imports that can be undone, account locks that end on time, and a log of account changes.

-- One row per applied import (web or `legalmap import`): listed at /admin/imports, and undone in
-- one step from there or from a point's history.
CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- The staff member's username, or "import: FILE" from the command line.
    applied_by TEXT NOT NULL CHECK (applied_by <> ''),
    -- The uploaded file's name as the browser sent it, or the path given on the command line.
    file_name TEXT NOT NULL,
    added INTEGER NOT NULL CHECK (added >= 0),
    changed INTEGER NOT NULL CHECK (changed >= 0),
    unchanged INTEGER NOT NULL CHECK (unchanged >= 0),
    retired INTEGER NOT NULL CHECK (retired >= 0),
    -- Set once, when the import is undone (RFC 3339 UTC and who): an import is undone at most once.
    undone_at TEXT,
    undone_by TEXT,
    CHECK ((undone_at IS NULL) = (undone_by IS NULL))
) STRICT;

-- point_history gains the import batch that wrote a row and the action 'undo' (an import's
-- changes reverted). SQLite cannot change a CHECK in place: the table is rebuilt with the same
-- columns in the same order plus the new one, keeping every id (restore links and the change log
-- name them) and the index.
CREATE TABLE point_history_next (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    -- The point's version after the change.
    version INTEGER NOT NULL,
    -- add, edit, verify, retire, restore, import, undo.
    action TEXT NOT NULL
        CHECK (action IN ('add', 'edit', 'verify', 'retire', 'restore', 'import', 'undo')),
    -- The staff member's username, or what did it ("import: FILE", "first start").
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    reason TEXT,
    -- The point's fields before (NULL when added) and after, as JSON objects.
    old_values TEXT,
    new_values TEXT NOT NULL,
    -- The import that wrote this row (its adds, changes and retirements); NULL otherwise.
    import_batch_id INTEGER REFERENCES import_batches (id)
) STRICT;

INSERT INTO point_history_next (id, code, version, action, changed_by, changed_at, reason, old_values, new_values)
SELECT id, code, version, action, changed_by, changed_at, reason, old_values, new_values FROM point_history;

DROP TABLE point_history;
ALTER TABLE point_history_next RENAME TO point_history;
CREATE INDEX point_history_code ON point_history (code, id);
CREATE INDEX point_history_import_batch ON point_history (import_batch_id) WHERE import_batch_id IS NOT NULL;

-- The end of the account's last lock after failed logins (Unix seconds): locked while it is in
-- the future. Set once when the threshold is reached and never extended by attempts during the
-- lock; failures before it no longer count. An admin's unlock or a password reset sets it to
-- that moment (and forgets the account's failures). NULL: never locked, unlocked or reset.
ALTER TABLE staff_users ADD COLUMN locked_until_unix INTEGER;

-- Every change to an account, written in the same transaction as the change.
CREATE TABLE account_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- The admin's username, "command line" for `legalmap user`, "login throttle" for a lock.
    actor TEXT NOT NULL CHECK (actor <> ''),
    -- The account changed (kept as text: the log outlives renames and the account's row).
    username TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN
        ('created', 'disabled', 'enabled', 'role', 'password_reset', 'unlock', 'locked')),
    -- E.g. the role given, or when a lock ends.
    detail TEXT
) STRICT;
CREATE INDEX account_events_at ON account_events (at);
CREATE INDEX account_events_username ON account_events (username, at);
