-- Parameters: keys, values, then deleted ?6, hlc ?7, prev_hlc ?8, origin device key ?9, counter ?10.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO classes (id, facility_id, name, grade, created_ms, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (id) DO UPDATE
   SET facility_id = excluded.facility_id,
       name = excluded.name,
       grade = excluded.grade,
       created_ms = excluded.created_ms,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > classes.hlc
