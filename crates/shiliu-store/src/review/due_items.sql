SELECT pack_id, item_id, unit_id, due_ms FROM item_reviews
 WHERE student_key = ?1 AND due_ms <= ?2
 ORDER BY due_ms
 LIMIT ?3
