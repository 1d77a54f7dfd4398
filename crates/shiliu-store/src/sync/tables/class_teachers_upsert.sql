-- Parameters: keys, values, then deleted ?3, hlc ?4, prev_hlc ?5, origin device key ?6, counter ?7.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO class_teachers (class_id, teacher_id, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (class_id, teacher_id) DO UPDATE
   SET deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > class_teachers.hlc
