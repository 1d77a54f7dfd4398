INSERT INTO class_teachers (class_id, teacher_id, deleted, hlc, device_key, counter) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (class_id, teacher_id) DO UPDATE
   SET deleted = excluded.deleted, prev_hlc = class_teachers.hlc, hlc = excluded.hlc, device_key = excluded.device_key, counter = excluded.counter
