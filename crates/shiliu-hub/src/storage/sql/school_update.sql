UPDATE hub_schools SET covers = ?2, bundles = ?3, last_ms = ?4 WHERE id = ?1
