-- facilities: id | origin device, counter, hlc, prev_hlc, deleted | name, created_ms
SELECT t.id, d.id, t.counter, t.hlc, t.prev_hlc, t.deleted, t.name, t.created_ms
  FROM facilities t JOIN devices d ON d.key = t.device_key
