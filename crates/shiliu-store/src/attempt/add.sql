INSERT INTO attempts (id, student_key, pack_id, pack_version, unit_id, item_id, at_ms, duration_ms,
                      overall, accuracy, completeness, fluency, tone, psc_band, psc_percent, quality, model_id,
                      syllables, device_key, counter)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
