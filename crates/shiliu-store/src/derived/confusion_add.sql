INSERT INTO confusion_stats (student_key, week, kind, expected, heard, contrast, pack_id, item_id, count)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (student_key, week, kind, expected, heard, contrast, pack_id, item_id) DO UPDATE
   SET count = count + excluded.count
