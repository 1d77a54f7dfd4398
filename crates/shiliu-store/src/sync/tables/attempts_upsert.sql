-- Parameters: keys, values, then deleted ?19, hlc ?20, prev_hlc ?21, origin device key ?22, counter ?23.
-- Insert-only: a row already here is the same row.
INSERT INTO attempts (id, student_key, pack_id, pack_version, unit_id, item_id, at_ms, duration_ms, overall, accuracy, completeness, fluency, tone, psc_band, psc_percent, quality, model_id, syllables, device_key, counter)
VALUES (?1, (SELECT key FROM students WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?22, ?23)
ON CONFLICT (id) DO NOTHING
