-- class_students: class_id, student_id | origin device, counter, hlc, prev_hlc, deleted | joined_ms
SELECT t.class_id, t.student_id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted, t.joined_ms
  FROM class_students t JOIN devices d ON d.key = t.device_key
