SELECT stability, difficulty, due_ms, last_ms, reps, lapses, last_rating, best_score
  FROM item_reviews WHERE student_key = ?1 AND pack_id = ?2 AND item_id = ?3
