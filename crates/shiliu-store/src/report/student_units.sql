SELECT pack_id, unit_id, count(*), sum(best_score >= ?2), avg(best_score), sum(due_ms <= ?3)
  FROM item_reviews
 WHERE student_key = ?1
 GROUP BY pack_id, unit_id
