SELECT id, table_name, row_id, kept_hlc, lost_hlc, lost_device, lost_row, recorded_ms, resolved_ms FROM conflicts
