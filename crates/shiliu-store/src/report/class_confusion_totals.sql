SELECT c.kind, c.expected, c.heard, c.contrast, c.student_key, c.pack_id, c.item_id, c.count
  FROM class_students m
  JOIN students s ON s.id = m.student_id AND s.deleted = 0
  JOIN confusion_totals c ON c.student_key = s.key
 WHERE m.class_id = ?1 AND m.deleted = 0
