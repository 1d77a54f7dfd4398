SELECT s.id, s.bundles, s.last_ms,
       CAST(coalesce((SELECT sum(b.bytes) FROM hub_bundles b WHERE b.school = s.id), 0) AS BIGINT)
  FROM hub_schools s
 ORDER BY s.id
