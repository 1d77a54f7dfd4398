INSERT INTO psc_stats (student_key, week, band, attempts, percent_sum) VALUES (?1, ?2, ?3, 1, ?4)
ON CONFLICT (student_key, week, band) DO UPDATE SET attempts = attempts + 1, percent_sum = percent_sum + excluded.percent_sum
