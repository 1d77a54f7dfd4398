INSERT INTO attempt_syllables (attempt_key, idx, student_key, at_ms, initial, final, tone_expected, tone_heard,
                               initial_ok, final_ok, verdict, score, problem, contrast)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
