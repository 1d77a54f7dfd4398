-- Parameters: keys, values, then deleted ?4, hlc ?5, prev_hlc ?6, origin device key ?7, counter ?8.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO facilities (id, name, created_ms, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (id) DO UPDATE
   SET name = excluded.name,
       created_ms = excluded.created_ms,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > facilities.hlc
