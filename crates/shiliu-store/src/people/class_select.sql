SELECT c.id, c.facility_id, c.name, c.grade, c.created_ms,
       (SELECT count(*) FROM class_students m JOIN students s ON s.id = m.student_id
         WHERE m.class_id = c.id AND m.deleted = 0 AND s.deleted = 0) AS students
  FROM classes c
 WHERE c.deleted = 0
