-- Structured opening hours (issue: "营业中 / 已休息"): each point's hours in OpenStreetMap's
-- `opening_hours` syntax, e.g. `Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00`, so the pages can
-- say whether a point is open now (in Beijing time).
--   opening_hours  the rules as the application's parser writes them back (normalized; checked by
--                  src/domain/opening_hours before every write, the schema cannot parse them);
--                  NULL while unknown, never an empty text.
-- The existing free-text `hours` column stays, for what the rules cannot say (holidays,
-- appointments, "村委会换届期间暂停"): staff see it as 办公时间说明.
ALTER TABLE points ADD COLUMN opening_hours TEXT
    CHECK (opening_hours IS NULL OR (length(opening_hours) BETWEEN 1 AND 400));
