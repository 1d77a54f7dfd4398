UPDATE devices SET is_self = 0 WHERE is_self = 1
