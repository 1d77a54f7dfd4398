INSERT INTO sync_bundles (id, origin, created_ms, imported_ms, rows, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING
