INSERT INTO hub_activity (school, device, day, attempts) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (school, device, day) DO UPDATE SET attempts = hub_activity.attempts + excluded.attempts
