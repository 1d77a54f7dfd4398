INSERT INTO psc_stats (student_key, week, band, attempts, percent_sum) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (student_key, week, band) DO UPDATE
   SET attempts = attempts + excluded.attempts, percent_sum = percent_sum + excluded.percent_sum
