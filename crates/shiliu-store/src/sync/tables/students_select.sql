-- students: id | origin device, counter, hlc, prev_hlc, deleted | facility_id, display_name, avatar, pin_salt, pin_hash, grade, first_language, dialect, created_ms
SELECT t.id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted, t.facility_id, t.display_name, t.avatar, t.pin_salt, t.pin_hash, t.grade, t.first_language, t.dialect, t.created_ms
  FROM students t JOIN devices d ON d.key = t.device_key
