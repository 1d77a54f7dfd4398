SELECT id, student_id, attempt_id, file, bytes, duration_ms, created_ms, shareable, reviewed_ms, reviewed_by, note
  FROM recordings
