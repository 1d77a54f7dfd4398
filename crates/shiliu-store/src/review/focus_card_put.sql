INSERT INTO focus_reviews (student_key, focus, stability, difficulty, due_ms, last_ms, reps, lapses, last_rating)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (student_key, focus) DO UPDATE
   SET stability = excluded.stability, difficulty = excluded.difficulty, due_ms = excluded.due_ms,
       last_ms = excluded.last_ms, reps = excluded.reps, lapses = excluded.lapses, last_rating = excluded.last_rating
