INSERT INTO conflicts (id, table_name, row_id, kept_hlc, lost_hlc, lost_device, lost_row, recorded_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (table_name, row_id, lost_hlc) DO NOTHING
