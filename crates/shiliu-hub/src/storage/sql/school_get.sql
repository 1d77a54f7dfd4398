SELECT covers, bundles FROM hub_schools WHERE id = ?1
