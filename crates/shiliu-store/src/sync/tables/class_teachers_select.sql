-- class_teachers: class_id, teacher_id | origin device, counter, hlc, prev_hlc, deleted | (no other columns)
SELECT t.class_id, t.teacher_id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted
  FROM class_teachers t JOIN devices d ON d.key = t.device_key
