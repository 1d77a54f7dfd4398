UPDATE classes SET name = ?2, grade = ?3, deleted = ?4, prev_hlc = hlc, hlc = ?5, device_key = ?6, counter = ?7 WHERE id = ?1
