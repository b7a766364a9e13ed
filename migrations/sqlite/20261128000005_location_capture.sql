-- On-site capture (issue 10): when staff fix a point's location with a phone's GPS standing at
-- the service point (location_quality 'gps_on_site'), the fix's accuracy and time are kept with
-- it, so a resident-facing "verified on site" claim can be judged (a 5 m fix is not a 300 m one)
-- and the campaign can revisit poor fixes.
--   location_accuracy_m  the browser's reported accuracy radius (95%-ish, metres), > 0; NULL for
--                        every other quality (typed, pasted or dragged locations have none);
--   location_fixed_at    when the phone took the fix, RFC 3339 UTC; NULL without a fix.
-- Both are set or cleared together with the location (src/points/form.rs); the CHECKs keep a
-- stray accuracy off a location that was not captured on site.
ALTER TABLE points ADD COLUMN location_accuracy_m REAL
    CHECK (location_accuracy_m IS NULL OR (location_accuracy_m > 0 AND location_accuracy_m < 1e6));
ALTER TABLE points ADD COLUMN location_fixed_at TEXT
    CHECK (location_fixed_at IS NULL OR (length(location_fixed_at) = 20 AND location_fixed_at LIKE '____-__-__T__:__:__Z'));

-- A fix comes with its accuracy: both or neither. (SQLite cannot add a table CHECK with ALTER,
-- so the pairing is enforced by triggers.)
CREATE TRIGGER points_capture_pair_insert BEFORE INSERT ON points
WHEN (NEW.location_accuracy_m IS NULL) <> (NEW.location_fixed_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'location_accuracy_m and location_fixed_at go together');
END;
CREATE TRIGGER points_capture_pair_update BEFORE UPDATE ON points
WHEN (NEW.location_accuracy_m IS NULL) <> (NEW.location_fixed_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'location_accuracy_m and location_fixed_at go together');
END;
