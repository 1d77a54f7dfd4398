-- Every attempt, student by student, in the order they are replayed (walks attempts_by_student).
SELECT a.key, a.student_key, a.pack_id, a.unit_id, a.item_id, a.at_ms, a.overall, a.quality, a.syllables,
       a.psc_band, a.psc_percent
  FROM attempts a
 ORDER BY a.student_key, a.at_ms, a.key
