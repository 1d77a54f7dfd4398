SELECT pin_salt, pin_hash FROM students WHERE id = ?1 AND deleted = 0
