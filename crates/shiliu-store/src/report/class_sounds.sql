SELECT s.id, st.kind, st.sound, sum(st.tries), sum(st.misses)
  FROM class_students m
  JOIN students s ON s.id = m.student_id AND s.deleted = 0
  JOIN sound_stats st ON st.student_key = s.key
 WHERE m.class_id = ?1 AND m.deleted = 0 AND st.kind IN ('initial', 'final', 'tone') AND st.week >= ?2
 GROUP BY st.student_key, st.kind, st.sound
