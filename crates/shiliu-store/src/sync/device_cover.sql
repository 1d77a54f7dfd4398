UPDATE devices SET counter = max(counter, ?2) WHERE id = ?1 AND is_self = 0
