-- The same rows as the changes view, but each table's branch walks its (device_key, counter)
-- index and stops at the limit, so a chunk costs the same at any database size.
SELECT counter, table_name, row_id, op, hlc FROM (
    SELECT * FROM (SELECT counter, 'facilities' AS table_name, id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM facilities WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'classes' AS table_name, id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM classes WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'teachers' AS table_name, id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM teachers WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'students' AS table_name, id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM students WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'class_students' AS table_name, class_id || '/' || student_id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM class_students WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'class_teachers' AS table_name, class_id || '/' || teacher_id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM class_teachers WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'assignments' AS table_name, class_id || '/' || pack_id || '/' || unit_id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM assignments WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'attempts' AS table_name, id AS row_id, 'insert' AS op, NULL AS hlc
                     FROM attempts WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'recordings' AS table_name, id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM recordings WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'reference_audio' AS table_name, id AS row_id, CASE deleted WHEN 0 THEN 'upsert' ELSE 'delete' END AS op, hlc AS hlc
                     FROM reference_audio WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'sync_devices' AS table_name, id AS row_id, 'insert' AS op, NULL AS hlc
                     FROM sync_devices WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT counter, 'sync_revocations' AS table_name, device_id || '/' || revoked_by AS row_id, 'insert' AS op, NULL AS hlc
                     FROM sync_revocations WHERE device_key = ?1 AND counter > ?2 ORDER BY counter LIMIT ?3)
)
ORDER BY counter
LIMIT ?3
