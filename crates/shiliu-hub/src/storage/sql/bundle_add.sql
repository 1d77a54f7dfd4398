INSERT INTO hub_bundles (school, id, seq, origin, created_ms, received_ms, base, covers, counts, bytes, data)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
