-- Location quality says how a location was set (issue: "truth on the ground"):
--   town_centre  a placeholder: the town/street centre stands in until the real place is known;
--   geocoded     from a public source (a map service's or gazetteer's point for the unit's name);
--   staff_set    typed, pasted or dragged by staff, not on site (what 'surveyed' meant before);
--   gps_on_site  captured by staff standing at the service point, with the fix's accuracy.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the same columns
-- in the same order; existing 'surveyed' rows become 'staff_set', in the history's JSON too.

CREATE TABLE points_next (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),
    name TEXT NOT NULL CHECK (name <> ''),
    town_code TEXT NOT NULL CHECK (length(town_code) = 9 AND town_code NOT GLOB '*[^0-9]*'),
    town TEXT NOT NULL CHECK (town <> ''),
    kind TEXT NOT NULL CHECK (kind IN ('village', 'community', 'other')),
    address TEXT,
    phone TEXT,
    hours TEXT,
    -- WGS-84 degrees.
    lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    location_quality TEXT NOT NULL
        CHECK (location_quality IN ('town_centre', 'geocoded', 'staff_set', 'gps_on_site')),
    source TEXT NOT NULL CHECK (source <> ''),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    area_type TEXT NOT NULL DEFAULT 'rural' CHECK (area_type IN ('urban', 'rural', 'mountain')),
    verified_by TEXT,
    verified_at TEXT
) STRICT;

INSERT INTO points_next
SELECT code, name, town_code, town, kind, address, phone, hours, lon, lat,
       CASE location_quality WHEN 'surveyed' THEN 'staff_set' ELSE location_quality END,
       source, active, version, updated_at, area_type, verified_by, verified_at
FROM points;

DROP TABLE points;
ALTER TABLE points_next RENAME TO points;
CREATE INDEX points_town_code ON points (town_code);

UPDATE point_history
SET new_values = json_set(new_values, '$.location_quality', 'staff_set')
WHERE json_extract(new_values, '$.location_quality') = 'surveyed';
UPDATE point_history
SET old_values = json_set(old_values, '$.location_quality', 'staff_set')
WHERE old_values IS NOT NULL AND json_extract(old_values, '$.location_quality') = 'surveyed';
