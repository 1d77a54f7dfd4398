INSERT INTO devices (id, name, first_seen_ms) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING
