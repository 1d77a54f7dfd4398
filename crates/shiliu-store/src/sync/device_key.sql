SELECT key FROM devices WHERE id = ?1
