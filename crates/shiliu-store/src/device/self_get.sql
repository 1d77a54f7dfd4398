SELECT key, id, name, counter, hlc FROM devices WHERE is_self = 1
