INSERT INTO item_reviews (student_key, pack_id, item_id, unit_id, stability, difficulty, due_ms, last_ms, reps, lapses,
                          last_rating, best_score, last_score)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (student_key, pack_id, item_id) DO UPDATE
   SET unit_id = excluded.unit_id, stability = excluded.stability, difficulty = excluded.difficulty,
       due_ms = excluded.due_ms, last_ms = excluded.last_ms, reps = excluded.reps, lapses = excluded.lapses,
       last_rating = excluded.last_rating, best_score = excluded.best_score, last_score = excluded.last_score
