-- Parameters: keys, values, then deleted ?4, hlc ?5, prev_hlc ?6, origin device key ?7, counter ?8.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO class_students (class_id, student_id, joined_ms, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (class_id, student_id) DO UPDATE
   SET joined_ms = excluded.joined_ms,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > class_students.hlc
