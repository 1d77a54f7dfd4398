-- attempts: id | origin device, counter, hlc, prev_hlc, deleted | student_id, pack_id, pack_version, unit_id, item_id, at_ms, duration_ms, overall, accuracy, completeness, fluency, tone, psc_band, psc_percent, quality, model_id, syllables
SELECT t.id, d.id, t.counter, '', '', 0, s.id, t.pack_id, t.pack_version, t.unit_id, t.item_id, t.at_ms, t.duration_ms, t.overall, t.accuracy, t.completeness, t.fluency, t.tone, t.psc_band, t.psc_percent, t.quality, t.model_id, t.syllables
  FROM attempts t JOIN devices d ON d.key = t.device_key
  JOIN students s ON s.key = t.student_key
