SELECT id, teacher_id, pack_id, item_id, file, bytes, duration_ms, sample_rate, note, created_ms
  FROM reference_audio
 WHERE deleted = 0
