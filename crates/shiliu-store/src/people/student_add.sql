INSERT INTO students (id, facility_id, display_name, avatar, pin_salt, pin_hash, grade, first_language, dialect,
                      created_ms, hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
