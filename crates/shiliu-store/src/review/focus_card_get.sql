SELECT stability, difficulty, due_ms, last_ms, reps, lapses, last_rating
  FROM focus_reviews WHERE student_key = ?1 AND focus = ?2
