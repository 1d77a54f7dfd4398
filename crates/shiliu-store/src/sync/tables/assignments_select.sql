-- assignments: class_id, pack_id, unit_id | origin device, counter, hlc, prev_hlc, deleted | position, assigned_ms
SELECT t.class_id, t.pack_id, t.unit_id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted, t.position, t.assigned_ms
  FROM assignments t JOIN devices d ON d.key = t.device_key
