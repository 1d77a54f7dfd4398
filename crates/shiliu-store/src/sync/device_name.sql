UPDATE devices SET name = ?2 WHERE id = ?1 AND is_self = 0 AND name <> ?2
