-- Residential places uploaded by staff, so coverage can be weighed by where people live.
-- An upload replaces the whole set.
CREATE TABLE residential_places (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    -- WGS-84 degrees (converted on upload from the file's datum).
    lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    -- Residents; NULL when the upload did not say.
    population INTEGER CHECK (population IS NULL OR population >= 0),
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
