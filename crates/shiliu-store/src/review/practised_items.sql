SELECT pack_id, item_id, last_ms FROM item_reviews WHERE student_key = ?1
