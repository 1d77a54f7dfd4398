INSERT INTO facilities (id, name, created_ms, hlc, device_key, counter) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
