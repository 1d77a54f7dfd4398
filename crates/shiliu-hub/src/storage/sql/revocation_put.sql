INSERT INTO hub_revocations (school, device, revoked_by, statement) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING
