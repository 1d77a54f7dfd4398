SELECT s.id, sum(r.reps), max(r.last_ms), avg(r.last_score), sum(r.best_score >= ?2), sum(r.due_ms <= ?3)
  FROM class_students m
  JOIN students s ON s.id = m.student_id AND s.deleted = 0
  LEFT JOIN item_reviews r ON r.student_key = s.key
 WHERE m.class_id = ?1 AND m.deleted = 0
 GROUP BY s.key
