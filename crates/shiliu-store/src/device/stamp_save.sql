UPDATE devices SET counter = ?2, hlc = ?3 WHERE key = ?1
