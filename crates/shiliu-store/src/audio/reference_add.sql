INSERT INTO reference_audio (id, teacher_id, pack_id, item_id, file, bytes, duration_ms, sample_rate, note, created_ms,
                             hlc, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
