SELECT cert FROM hub_certs WHERE school = ?1 ORDER BY device
