INSERT INTO class_students (class_id, student_id, joined_ms, deleted, hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (class_id, student_id) DO UPDATE
   SET deleted = excluded.deleted, prev_hlc = class_students.hlc, hlc = excluded.hlc, device_key = excluded.device_key, counter = excluded.counter,
       joined_ms = CASE WHEN class_students.deleted = 1 THEN excluded.joined_ms ELSE class_students.joined_ms END
