SELECT c.kind, c.expected, c.heard, c.contrast, c.student_key, c.pack_id, c.item_id, sum(c.count)
  FROM class_students m
  JOIN students s ON s.id = m.student_id AND s.deleted = 0
  JOIN confusion_stats c ON c.student_key = s.key AND c.week >= ?2
 WHERE m.class_id = ?1 AND m.deleted = 0
 GROUP BY c.kind, c.expected, c.heard, c.contrast, c.student_key, c.pack_id, c.item_id
