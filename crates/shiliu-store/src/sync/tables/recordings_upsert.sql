-- Parameters: keys, values, then deleted ?12, hlc ?13, prev_hlc ?14, origin device key ?15, counter ?16.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO recordings (id, student_id, attempt_id, file, bytes, duration_ms, created_ms, shareable, reviewed_ms, reviewed_by, note, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
ON CONFLICT (id) DO UPDATE
   SET student_id = excluded.student_id,
       attempt_id = excluded.attempt_id,
       file = excluded.file,
       bytes = excluded.bytes,
       duration_ms = excluded.duration_ms,
       created_ms = excluded.created_ms,
       shareable = excluded.shareable,
       reviewed_ms = excluded.reviewed_ms,
       reviewed_by = excluded.reviewed_by,
       note = excluded.note,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > recordings.hlc
