-- Residents' correction reports (纠错, "位置不对？告诉我们"): what is wrong with a point's location or
-- details, optionally with where the resident stood when they sent it. Staff read and close them at
-- /admin/reports; nothing here is ever shown on a public page.
--
-- A report is anonymous by design: no column identifies who sent it (no IP address, no user agent,
-- no cookie or session id). Sending is throttled per client address in the server's memory, under
-- a keyed hash, and that is never written here. The time of receipt is kept to the minute only, so
-- it does not single out one request in a proxy's access log.
CREATE TABLE point_reports (
    id INTEGER PRIMARY KEY,
    -- The point reported on (points.code). No foreign key: a report outlives its point's undone
    -- import; staff pages show the code alone when the point is gone.
    code TEXT NOT NULL CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),
    -- location: 位置不对; details: 电话或地址等信息不对; other: 其他.
    kind TEXT NOT NULL CHECK (kind IN ('location', 'details', 'other')),
    -- What the resident wrote, trimmed; NULL when they wrote nothing (allowed only with a
    -- location attached to a 'location' report). At most 500 characters.
    description TEXT CHECK (description IS NULL OR length(description) BETWEEN 1 AND 500),
    -- "我现在就在正确的位置": the browser's position when the resident pressed that button (WGS-84
    -- degrees) and its accuracy radius in metres. All three or none.
    lat REAL CHECK (lat BETWEEN -90 AND 90),
    lon REAL CHECK (lon BETWEEN -180 AND 180),
    accuracy_m REAL CHECK (accuracy_m >= 0),
    -- When it arrived, RFC 3339 UTC to the minute (seconds always 00).
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:00Z', 'now')),
    -- Set once when staff close it: when (RFC 3339 UTC), who (username) and an optional short note.
    closed_at TEXT,
    closed_by TEXT,
    close_note TEXT CHECK (close_note IS NULL OR length(close_note) BETWEEN 1 AND 200),
    CHECK ((lat IS NULL) = (lon IS NULL) AND (lat IS NULL) = (accuracy_m IS NULL)),
    CHECK (description IS NOT NULL OR (kind = 'location' AND lat IS NOT NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    CHECK (close_note IS NULL OR closed_at IS NOT NULL)
) STRICT;
-- The staff list, newest first.
CREATE INDEX point_reports_received ON point_reports (received_at, id);
CREATE INDEX point_reports_code ON point_reports (code);
