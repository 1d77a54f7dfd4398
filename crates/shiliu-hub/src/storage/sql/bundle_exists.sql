SELECT 1 FROM hub_bundles WHERE school = ?1 AND id = ?2
