INSERT INTO hub_schools (id, covers, bundles, first_ms, last_ms) VALUES (?1, '{}', 0, ?2, ?2) ON CONFLICT DO NOTHING
