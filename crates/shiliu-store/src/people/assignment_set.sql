INSERT INTO assignments (class_id, pack_id, unit_id, position, assigned_ms, deleted, hlc, device_key, counter)
VALUES (?1, ?2, ?3,
        coalesce((SELECT position FROM assignments WHERE class_id = ?1 AND pack_id = ?2 AND unit_id = ?3),
                 (SELECT coalesce(max(position), 0) + 1 FROM assignments WHERE class_id = ?1)),
        ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (class_id, pack_id, unit_id) DO UPDATE
   SET deleted = excluded.deleted, prev_hlc = assignments.hlc, hlc = excluded.hlc, device_key = excluded.device_key, counter = excluded.counter
