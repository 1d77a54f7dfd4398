SELECT m.pack_id, m.item_id, r.unit_id FROM (
    SELECT c.pack_id, c.item_id, sum(c.count) AS misses
      FROM confusion_stats c
     WHERE c.student_key = ?1 AND c.contrast = ?2 AND (?3 IS NULL OR c.expected = ?3)
     GROUP BY c.pack_id, c.item_id
) m JOIN item_reviews r ON r.student_key = ?1 AND r.pack_id = m.pack_id AND r.item_id = m.item_id
 ORDER BY m.misses DESC, r.last_ms
 LIMIT ?4
