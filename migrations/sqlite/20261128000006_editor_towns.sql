-- Editors limited to some towns: a village clerk edits their own town's points only.
--
-- One row per (account, town) the account may change points in. An account with no rows may
-- change points in every town (so existing accounts keep working); admins are never limited,
-- whatever rows they have. Every point write (edit, verify, retire, restore, add, import)
-- checks the point's town against these rows on the server.
CREATE TABLE staff_user_towns (
    user_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    -- The town's or street's 9-digit NBS code, as points.town_code holds it.
    town_code TEXT NOT NULL CHECK (length(town_code) = 9 AND town_code NOT GLOB '*[^0-9]*'),
    PRIMARY KEY (user_id, town_code)
) STRICT;
