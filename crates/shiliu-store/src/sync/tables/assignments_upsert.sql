-- Parameters: keys, values, then deleted ?6, hlc ?7, prev_hlc ?8, origin device key ?9, counter ?10.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO assignments (class_id, pack_id, unit_id, position, assigned_ms, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (class_id, pack_id, unit_id) DO UPDATE
   SET position = excluded.position,
       assigned_ms = excluded.assigned_ms,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > assignments.hlc
