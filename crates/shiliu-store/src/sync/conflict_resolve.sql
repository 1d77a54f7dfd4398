UPDATE conflicts SET resolved_ms = ?2 WHERE id = ?1 AND resolved_ms IS NULL
