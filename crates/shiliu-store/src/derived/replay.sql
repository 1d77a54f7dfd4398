-- One student's attempts in the order they are replayed. The condition is a plain equality so
-- that SQLite searches attempts_by_student (an `?1 IS NULL OR …` form scans every attempt).
SELECT a.key, a.student_key, a.pack_id, a.unit_id, a.item_id, a.at_ms, a.overall, a.quality, a.syllables,
       a.psc_band, a.psc_percent
  FROM attempts a
 WHERE a.student_key = ?1
 ORDER BY a.at_ms, a.key
