-- reference_audio: id | origin device, counter, hlc, prev_hlc, deleted | teacher_id, pack_id, item_id, file, bytes, duration_ms, sample_rate, note, created_ms
SELECT t.id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted, t.teacher_id, t.pack_id, t.item_id, t.file, t.bytes, t.duration_ms, t.sample_rate, t.note, t.created_ms
  FROM reference_audio t JOIN devices d ON d.key = t.device_key
