SELECT s.id, s.facility_id, s.display_name, s.avatar, s.pin_hash IS NOT NULL, s.grade, s.first_language, s.dialect,
       s.created_ms
  FROM students s
