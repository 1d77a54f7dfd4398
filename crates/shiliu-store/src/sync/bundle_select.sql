SELECT id, origin, created_ms, imported_ms, rows, source FROM sync_bundles
