SELECT peer, device, counter, seen_ms FROM sync_peers ORDER BY peer, device
