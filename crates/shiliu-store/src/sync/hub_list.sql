SELECT url, last_attempt_ms, last_success_ms, last_error FROM sync_hubs ORDER BY url
