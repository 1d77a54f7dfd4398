SELECT key FROM students WHERE id = ?1 AND deleted = 0
