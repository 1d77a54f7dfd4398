-- ?3: when the bundle carrying the name was made; only a newer one renames.
UPDATE devices SET name = ?2, name_ms = ?3 WHERE id = ?1 AND is_self = 0 AND name_ms <= ?3
