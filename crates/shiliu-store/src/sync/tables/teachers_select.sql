-- teachers: id | origin device, counter, hlc, prev_hlc, deleted | facility_id, name, created_ms
SELECT t.id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted, t.facility_id, t.name, t.created_ms
  FROM teachers t JOIN devices d ON d.key = t.device_key
