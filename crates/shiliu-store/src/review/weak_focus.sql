SELECT focus, due_ms, lapses, stability FROM focus_reviews
 WHERE student_key = ?1 AND due_ms <= ?2 AND lapses >= ?3
 ORDER BY stability, due_ms
