SELECT t.id, t.facility_id, t.name, t.created_ms
  FROM class_teachers ct JOIN teachers t ON t.id = ct.teacher_id
 WHERE ct.class_id = ?1 AND ct.deleted = 0 AND t.deleted = 0
 ORDER BY t.name
