-- Parameters: keys, values, then deleted ?11, hlc ?12, prev_hlc ?13, origin device key ?14, counter ?15.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO students (id, facility_id, display_name, avatar, pin_salt, pin_hash, grade, first_language, dialect, created_ms, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT (id) DO UPDATE
   SET facility_id = excluded.facility_id,
       display_name = excluded.display_name,
       avatar = excluded.avatar,
       pin_salt = excluded.pin_salt,
       pin_hash = excluded.pin_hash,
       grade = excluded.grade,
       first_language = excluded.first_language,
       dialect = excluded.dialect,
       created_ms = excluded.created_ms,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > students.hlc
