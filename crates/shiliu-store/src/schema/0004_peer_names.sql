-- Schema version 4: the names PCs give themselves travel with their bundles.
--
-- name_ms: when the peer's current name was given, by the creation time of the newest bundle
-- of its own that carried it; 0 while it is still known by its certificate (or its id) only.
-- A late-arriving older bundle never brings back an old name.
ALTER TABLE devices ADD COLUMN name_ms INTEGER NOT NULL DEFAULT 0;
