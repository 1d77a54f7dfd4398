SELECT id, name, counter, is_self FROM devices ORDER BY key
