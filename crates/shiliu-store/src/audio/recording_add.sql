INSERT INTO recordings (id, student_id, attempt_id, file, bytes, duration_ms, created_ms, hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
