UPDATE devices SET name = ?2 WHERE key = ?1
