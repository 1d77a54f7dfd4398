DELETE FROM sync_peers WHERE peer = ?1
