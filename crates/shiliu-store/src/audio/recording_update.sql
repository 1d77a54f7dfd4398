UPDATE recordings
   SET shareable = ?2, reviewed_ms = ?3, reviewed_by = ?4, note = ?5, deleted = ?6, prev_hlc = hlc, hlc = ?7, device_key = ?8, counter = ?9
 WHERE id = ?1
