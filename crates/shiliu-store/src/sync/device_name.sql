-- A certificate's name names a device only until its own bundles name it (device_rename.sql).
UPDATE devices SET name = ?2 WHERE id = ?1 AND is_self = 0 AND name_ms = 0 AND name <> ?2
