INSERT INTO sync_peers (peer, device, counter, seen_ms) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (peer, device) DO UPDATE
   SET counter = max(sync_peers.counter, excluded.counter), seen_ms = max(sync_peers.seen_ms, excluded.seen_ms)
