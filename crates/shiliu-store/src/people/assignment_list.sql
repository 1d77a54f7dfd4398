SELECT class_id, pack_id, unit_id, position, assigned_ms FROM assignments
 WHERE class_id = ?1 AND deleted = 0
 ORDER BY position
