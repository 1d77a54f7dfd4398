SELECT school, device, day, attempts FROM hub_activity ORDER BY school, device, day
