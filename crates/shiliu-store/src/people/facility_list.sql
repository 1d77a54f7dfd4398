SELECT id, name, created_ms FROM facilities WHERE deleted = 0 ORDER BY created_ms, id
