INSERT INTO sync_identity (only, device_id, school_id, school_name, founder_key, school_key, device_secret, joined_ms)
VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (only) DO UPDATE
   SET device_id = excluded.device_id, school_id = excluded.school_id, school_name = excluded.school_name,
       founder_key = excluded.founder_key, school_key = excluded.school_key, device_secret = excluded.device_secret,
       joined_ms = excluded.joined_ms
