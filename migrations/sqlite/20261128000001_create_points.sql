-- The public legal service points: one per village or community (村居/社区) of the district.
--
-- Coordinates are stored in WGS-84 only; GCJ-02 and BD-09 input is converted before it gets
-- here. Unknown facts (address, phone, hours) are NULL, never a made-up value.

CREATE TABLE points (
    -- The 12-digit NBS statistical division code of the unit served: stable across renames.
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),
    name TEXT NOT NULL CHECK (name <> ''),
    -- The 9-digit NBS code and the name of the town or street (乡镇/街道).
    town_code TEXT NOT NULL CHECK (length(town_code) = 9 AND town_code NOT GLOB '*[^0-9]*'),
    town TEXT NOT NULL CHECK (town <> ''),
    kind TEXT NOT NULL CHECK (kind IN ('village', 'community', 'other')),
    address TEXT,
    phone TEXT,
    hours TEXT,
    -- WGS-84 degrees.
    lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    -- surveyed (on site or placed by staff), geocoded (a map service's geocode of the name),
    -- town_centre (a placeholder: the real location is not yet known).
    location_quality TEXT NOT NULL CHECK (location_quality IN ('surveyed', 'geocoded', 'town_centre')),
    -- Where the row's facts come from (a file and commit, or a staff member).
    source TEXT NOT NULL CHECK (source <> ''),
    -- Retired points leave the public map but keep their row (and, later, their history).
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Bumped on every change, so concurrent edits can be detected (optimistic locking).
    version INTEGER NOT NULL DEFAULT 1,
    -- RFC 3339 UTC timestamp of the last change.
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE INDEX points_town_code ON points (town_code);
