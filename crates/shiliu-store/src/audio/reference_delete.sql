UPDATE reference_audio SET deleted = 1, prev_hlc = hlc, hlc = ?2, device_key = ?3, counter = ?4 WHERE id = ?1 AND deleted = 0
