SELECT week, attempts, percent_sum FROM psc_stats WHERE student_key = ?1 ORDER BY week
