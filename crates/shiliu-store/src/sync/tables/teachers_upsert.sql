-- Parameters: keys, values, then deleted ?5, hlc ?6, prev_hlc ?7, origin device key ?8, counter ?9.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO teachers (id, facility_id, name, created_ms, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (id) DO UPDATE
   SET facility_id = excluded.facility_id,
       name = excluded.name,
       created_ms = excluded.created_ms,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > teachers.hlc
