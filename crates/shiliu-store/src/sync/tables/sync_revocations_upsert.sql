-- Parameters: keys, values, then deleted ?4, hlc ?5, prev_hlc ?6, origin device key ?7, counter ?8.
-- Insert-only: a row already here is the same row.
INSERT INTO sync_revocations (device_id, revoked_by, cert, device_key, counter)
VALUES (?1, ?2, ?3, ?7, ?8)
ON CONFLICT (device_id, revoked_by) DO NOTHING
