SELECT t.id, t.facility_id, t.name, t.created_ms FROM teachers t WHERE t.deleted = 0
