-- sync_revocations: device_id, revoked_by | origin device, counter, hlc, prev_hlc, deleted | cert
SELECT t.device_id, t.revoked_by, d.id, t.counter, '', '', 0, t.cert
  FROM sync_revocations t JOIN devices d ON d.key = t.device_key
