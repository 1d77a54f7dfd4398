SELECT a.class_id, a.pack_id, a.unit_id, a.position, a.assigned_ms
  FROM class_students m
  JOIN classes c ON c.id = m.class_id AND c.deleted = 0
  JOIN assignments a ON a.class_id = m.class_id AND a.deleted = 0
 WHERE m.student_id = ?1 AND m.deleted = 0
 ORDER BY a.position, a.assigned_ms
