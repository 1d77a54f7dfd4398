SELECT a.key, a.student_key, a.pack_id, a.unit_id, a.item_id, a.at_ms, a.overall, a.quality, a.syllables,
       a.psc_band, a.psc_percent
  FROM attempts a
 WHERE ?1 IS NULL OR a.student_key = ?1
 ORDER BY a.student_key, a.at_ms, a.key
