-- sync_devices: id | origin device, counter, hlc, prev_hlc, deleted | school_id, cert
SELECT t.id, d.id, t.counter, '', '', 0, t.school_id, t.cert
  FROM sync_devices t JOIN devices d ON d.key = t.device_key
