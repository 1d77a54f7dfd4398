SELECT a.id, s.id, d.id, a.pack_id, a.pack_version, a.unit_id, a.item_id, a.at_ms, a.duration_ms,
       a.overall, a.accuracy, a.completeness, a.fluency, a.tone, a.psc_band, a.psc_percent, a.quality, a.model_id,
       a.syllables
  FROM attempts a
  JOIN students s ON s.key = a.student_key
  JOIN devices d ON d.key = a.device_key
