INSERT INTO sound_stats (student_key, kind, sound, week, tries, misses) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (student_key, week, kind, sound) DO UPDATE
   SET tries = tries + excluded.tries, misses = misses + excluded.misses
