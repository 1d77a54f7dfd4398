-- recordings: id | origin device, counter, hlc, prev_hlc, deleted | student_id, attempt_id, file, bytes, duration_ms, created_ms, shareable, reviewed_ms, reviewed_by, note
SELECT t.id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted, t.student_id, t.attempt_id, t.file, t.bytes, t.duration_ms, t.created_ms, t.shareable, t.reviewed_ms, t.reviewed_by, t.note
  FROM recordings t JOIN devices d ON d.key = t.device_key
