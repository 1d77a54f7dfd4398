SELECT device_id, school_id, school_name, founder_key, school_key, device_secret, joined_ms FROM sync_identity WHERE only = 1
