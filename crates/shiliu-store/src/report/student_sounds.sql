SELECT kind, sound, week, tries, misses FROM sound_stats
 WHERE student_key = ?1 AND kind IN ('initial', 'final', 'tone')
