INSERT INTO devices (id, name, is_self, counter, hlc, first_seen_ms) VALUES (?1, ?2, 1, 0, '', ?3)
