INSERT INTO sound_totals (student_key, kind, sound, tries, misses) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (student_key, kind, sound) DO UPDATE SET tries = tries + excluded.tries, misses = misses + excluded.misses
