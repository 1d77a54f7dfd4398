INSERT INTO sync_hubs (url, last_attempt_ms, last_success_ms, last_error) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (url) DO UPDATE
   SET last_attempt_ms = excluded.last_attempt_ms,
       last_success_ms = coalesce(excluded.last_success_ms, sync_hubs.last_success_ms),
       last_error = excluded.last_error
