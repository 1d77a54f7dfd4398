INSERT INTO hub_certs (school, device, cert) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING
