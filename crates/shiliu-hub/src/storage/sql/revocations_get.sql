SELECT statement FROM hub_revocations WHERE school = ?1 ORDER BY device, revoked_by
