SELECT id, seq, origin, covers, bytes FROM hub_bundles WHERE school = ?1 ORDER BY seq
