INSERT INTO confusion_totals (student_key, kind, expected, heard, contrast, pack_id, item_id, count)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (student_key, kind, expected, heard, contrast, pack_id, item_id) DO UPDATE SET count = count + excluded.count
