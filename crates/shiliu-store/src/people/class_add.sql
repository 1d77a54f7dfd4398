INSERT INTO classes (id, facility_id, name, grade, created_ms, hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
