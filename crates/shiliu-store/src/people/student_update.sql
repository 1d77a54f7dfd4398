UPDATE students
   SET display_name = ?2, avatar = ?3, pin_salt = ?4, pin_hash = ?5, grade = ?6, first_language = ?7, dialect = ?8,
       deleted = ?9, prev_hlc = hlc, hlc = ?10, device_key = ?11, counter = ?12
 WHERE id = ?1
