-- Parameters: keys, values, then deleted ?11, hlc ?12, prev_hlc ?13, origin device key ?14, counter ?15.
-- Last writer wins: an incoming version only replaces an older one.
INSERT INTO reference_audio (id, teacher_id, pack_id, item_id, file, bytes, duration_ms, sample_rate, note, created_ms, deleted, hlc, prev_hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT (id) DO UPDATE
   SET teacher_id = excluded.teacher_id,
       pack_id = excluded.pack_id,
       item_id = excluded.item_id,
       file = excluded.file,
       bytes = excluded.bytes,
       duration_ms = excluded.duration_ms,
       sample_rate = excluded.sample_rate,
       note = excluded.note,
       created_ms = excluded.created_ms,
       deleted = excluded.deleted,
       hlc = excluded.hlc,
       prev_hlc = excluded.prev_hlc,
       device_key = excluded.device_key,
       counter = excluded.counter
 WHERE excluded.hlc > reference_audio.hlc
